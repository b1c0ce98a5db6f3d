// The default instrument (instruments/default.json), compiled once at import.
import defaultJson from './instruments/default.json';
import { loadInstrument, type Instrument } from './instrument';

export const DEFAULT_INSTRUMENT_PATH = 'shared/survey/instruments/default.json';
export const defaultInstrument: Instrument = loadInstrument(defaultJson, DEFAULT_INSTRUMENT_PATH);
