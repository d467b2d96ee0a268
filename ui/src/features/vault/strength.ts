// A rough strength for a passphrase, from its length and the kinds of characters it mixes: a hint
// while typing, not a guarantee (the backend's only rule is the minimum length).

export type Strength = "too short" | "weak" | "fair" | "strong" | "very strong";

/** Approximate bits of a random choice of this length from the alphabets it uses. */
export function estimatedBits(passphrase: string): number {
  const chars = [...passphrase];
  let alphabet = 0;
  if (/[a-z]/.test(passphrase)) alphabet += 26;
  if (/[A-Z]/.test(passphrase)) alphabet += 26;
  if (/\d/.test(passphrase)) alphabet += 10;
  if (/[^a-zA-Z\d]/.test(passphrase)) alphabet += 33;
  const distinct = new Set(chars).size;
  // Repeats ("aaaaaaaa") add little: count at most twice the distinct characters.
  const length = Math.min(chars.length, distinct * 2);
  return alphabet === 0 ? 0 : Math.round(length * Math.log2(alphabet));
}

export function strength(passphrase: string, minChars: number): Strength {
  if ([...passphrase].length < minChars) return "too short";
  const bits = estimatedBits(passphrase);
  if (bits < 45) return "weak";
  if (bits < 65) return "fair";
  if (bits < 90) return "strong";
  return "very strong";
}
