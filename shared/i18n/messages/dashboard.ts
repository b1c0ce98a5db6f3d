// Catalogue section 'dash' (see ../catalogue.ts).
import { section } from '../section';

export const dash = section('dash', {}, {});
