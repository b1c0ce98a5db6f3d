// Catalogue section 'exports' (see ../catalogue.ts).
import { section } from '../section';

export const exportsSection = section('exports', {}, {});
