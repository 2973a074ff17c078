const int = new Intl.NumberFormat('en');

export const fmtInt = (n: number) => int.format(n);
export const fmtPct = (rate: number) => `${(rate * 100).toFixed(1)}%`;

export function fmtMoney(amount: number, currency: string) {
  if (/^[A-Z]{3}$/.test(currency)) {
    try {
      return new Intl.NumberFormat('en', { style: 'currency', currency }).format(amount);
    } catch {}
  }
  return `${amount.toFixed(2)}${currency ? ` ${currency}` : ''}`;
}

export const fmtTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
