// Catalogue section 'skm' (see ../catalogue.ts).
import { section } from '../section';

export const skm = section('skm', {}, {});
