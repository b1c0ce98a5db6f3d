// Instantiating the hand-written WebAssembly kernels (wasm/*.wat, their bytes in wasm/*.wasm.ts): each module is
// compiled once per thread, each user gets its own instance (its own memory).

/** The WebAssembly API as these modules use it (the project's TypeScript libraries declare no DOM, where it lives). */
export interface WasmMemory { buffer: ArrayBuffer; grow(pages: number): number }
interface WasmApi { Module: new (bytes: Uint8Array) => object; Instance: new (module: object) => { exports: unknown } }
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const compiled = new Map<string, object>();

/**
 * A new instance of the module whose bytes are `base64`, its memory grown to at least `bytes` bytes; its exports as
 * the caller declares them (with the memory as `memory`).
 */
export function instantiateWasm<E extends { memory: WasmMemory }>(base64: string, bytes = 0): E {
  let mod = compiled.get(base64);
  if (!mod) {
    const bin = atob(base64);
    const bytes = new Uint8Array(bin.length);
    for (let k = 0; k < bin.length; k++) bytes[k] = bin.charCodeAt(k);
    mod = new Wasm.Module(bytes);
    compiled.set(base64, mod);
  }
  const exports = new Wasm.Instance(mod).exports as E;
  const pages = Math.ceil(bytes / 65536) - exports.memory.buffer.byteLength / 65536;
  if (pages > 0) exports.memory.grow(pages);
  return exports;
}
