// Instantiating the hand-written WebAssembly kernels (wasm/*.wat, their bytes in wasm/*.wasm.ts): each module is
// compiled once per thread, each user gets its own instance (its own memory).

/** The WebAssembly API as these modules use it (the project's TypeScript libraries declare no DOM, where it lives). */
export interface WasmMemory { buffer: ArrayBuffer; grow(pages: number): number }
interface WasmApi { Module: new (bytes: Uint8Array) => object; Instance: new (module: object) => { exports: unknown } }
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const compiled = new Map<string, object>();

/** A new instance of the module whose bytes are `base64`; its exports as the caller declares them. */
export function instantiateWasm<E>(base64: string): E {
  let mod = compiled.get(base64);
  if (!mod) {
    const bin = atob(base64);
    const bytes = new Uint8Array(bin.length);
    for (let k = 0; k < bin.length; k++) bytes[k] = bin.charCodeAt(k);
    mod = new Wasm.Module(bytes);
    compiled.set(base64, mod);
  }
  return new Wasm.Instance(mod).exports as E;
}
