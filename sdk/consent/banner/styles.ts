/**
 * Themable through CSS variables on :root (`--sgm-bg`, `--sgm-fg`, `--sgm-accent`,
 * `--sgm-accent-fg`, `--sgm-radius`, `--sgm-font`). Fixed over the page: no layout shift.
 */
export const CSS = `.sgm-o{position:fixed;inset:0;z-index:2147483647;display:flex;align-items:flex-end;justify-content:center;padding:16px;background:var(--sgm-backdrop,rgba(0,0,0,.35));font:15px/1.45 var(--sgm-font,system-ui,sans-serif)}
.sgm-d{box-sizing:border-box;width:100%;max-width:640px;max-height:100%;overflow:auto;padding:20px 24px;border-radius:var(--sgm-radius,10px);background:var(--sgm-bg,#fff);color:var(--sgm-fg,#1b1b1b);box-shadow:0 8px 32px rgba(0,0,0,.25)}
.sgm-d h2{margin:0 0 8px;font-size:18px}.sgm-d p{margin:0 0 12px}.sgm-d a{color:inherit}
.sgm-d fieldset{margin:0 0 12px;padding:8px 12px;border:1px solid currentColor;border-radius:6px}
.sgm-d label{display:flex;gap:8px;align-items:center;padding:4px 0}.sgm-d input{width:18px;height:18px;accent-color:var(--sgm-accent,#1f4fd1)}
.sgm-a{display:flex;flex-wrap:wrap;gap:8px}.sgm-a button{flex:1 1 140px;min-height:44px;padding:8px 16px;border:2px solid var(--sgm-accent,#1f4fd1);border-radius:6px;font:inherit;font-weight:600;cursor:pointer;background:var(--sgm-accent,#1f4fd1);color:var(--sgm-accent-fg,#fff)}
.sgm-a .sgm-s{background:transparent;color:inherit}
.sgm-d :focus-visible{outline:3px solid var(--sgm-accent,#1f4fd1);outline-offset:2px}`;
