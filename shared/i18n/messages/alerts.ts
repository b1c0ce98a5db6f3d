// Catalogue section 'alerts' (see ../catalogue.ts).
import { section } from '../section';

export const alerts = section('alerts', {}, {});
