/**
 * resource.Quantity as exact numbers: "100m", "1Gi", "0.5", "1e3", 2. Values are kept in
 * nano-units (bigint) so that "1Gi" equals "1073741824" and "100m" equals "0.1", as Quantity.Cmp
 * compares them. Finer than nano is rounded up, as Quantity rounds to its smallest scale.
 */

const BINARY: Readonly<Record<string, bigint>> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};
const DECIMAL_EXPONENT: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** The quantity in nano-units, or undefined when it is not a valid quantity. */
export function parseQuantity(value: unknown): bigint | undefined {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    text = String(value);
  } else if (typeof value === 'string') {
    text = value;
  } else {
    return undefined;
  }
  const m = QUANTITY.exec(text);
  if (m === null) return undefined;
  const [, sign = '', number = '', suffix, exponent] = m;
  const [whole = '', fraction = ''] = number.split('.');
  const digits = BigInt(`${whole}${fraction}` === '' ? '0' : `${whole}${fraction}`);
  // digits × 10^(-fraction.length) × multiplier, scaled by 10^9.
  let exp10 = 9 - fraction.length;
  let multiplier = 1n;
  if (suffix !== undefined && suffix in BINARY) multiplier = BINARY[suffix] ?? 1n;
  else if (suffix !== undefined) exp10 += DECIMAL_EXPONENT[suffix] ?? 0;
  else if (exponent !== undefined) exp10 += Number(exponent);
  let nanos: bigint;
  const scaled = digits * multiplier;
  if (exp10 >= 0) nanos = scaled * pow10(exp10);
  else {
    const divisor = pow10(-exp10);
    nanos = scaled / divisor + (scaled % divisor === 0n ? 0n : 1n);
  }
  return sign === '-' ? -nanos : nanos;
}

/** Go's Quantity.Cmp: -1, 0 or 1; undefined when either is not a quantity. */
export function compareQuantities(a: unknown, b: unknown): -1 | 0 | 1 | undefined {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  if (x === undefined || y === undefined) return undefined;
  return x < y ? -1 : x > y ? 1 : 0;
}
