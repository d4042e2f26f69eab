// A typed PIN leaves the renderer as its bytes (contract.ts pinBytes), so the main process never holds
// it as a string. The field's value is a string by nature; it stays in this process and the field is
// cleared once sent.
export const pinBytes = (pin: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(pin) as Uint8Array<ArrayBuffer>;
