// Catalogue section 'cli' (see ../catalogue.ts).
import { section } from '../section';

export const cli = section('cli', {}, {});
