// The two built-in models of the seed papers, validated at load.
import satisfactionJson from './satisfaction.json';
import loyaltyJson from './loyalty.json';
import { parsePlsModel, parseRegressionModel } from './spec';

export const satisfactionModel = parsePlsModel(satisfactionJson, 'shared/models/satisfaction.json');
export const loyaltyModel = parseRegressionModel(loyaltyJson, 'shared/models/loyalty.json');
export * from './spec';
