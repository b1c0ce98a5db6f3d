// Types of scripts/build-wasm.mjs for the TypeScript code that imports it (the kernel's test).
export declare const WASM_DIR: string;
export declare function compileWat(file: string): Promise<Buffer>;
export declare const moduleFileOf: (wat: string) => string;
export declare function moduleSource(wat: string, bytes: Buffer): string;
