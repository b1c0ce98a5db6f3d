// The .xlsx writer moved to shared/survey/simulate/xlsx.ts (the simulator writes Kobo .xlsx exports with it);
// re-exported here for the tests and the bench that import it from this path.
export * from '../../shared/survey/simulate/xlsx';
