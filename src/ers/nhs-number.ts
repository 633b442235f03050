/**
 * NHS number check (NHS Modulus 11): weights 10..2 on the first nine digits, check digit =
 * 11 − (sum mod 11), 11 → 0, 10 → invalid. Spaces and dashes, as people write them, are allowed.
 * Packaged checks on npm reject spaced input and accept 0000000000, so this one is ours.
 */
export function normaliseNhsNumber(value: string): string {
  return value.replace(/[\s-]/g, '');
}

export function isValidNhsNumber(value: string): boolean {
  const digits = normaliseNhsNumber(value);
  if (!/^\d{10}$/.test(digits) || /^(\d)\1{9}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(digits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(digits[9]);
}

/** UBRNs are 12 digits, zero-padded (ENDPOINTS.md §2.7). */
export const isUbrn = (value: string): boolean => /^\d{12}$/.test(value);
