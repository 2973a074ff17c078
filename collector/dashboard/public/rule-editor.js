// Rule editor: live preview count while editing, and fields follow the condition type.
(() => {
  const form = document.getElementById('segment-form');
  if (!form) return;
  document.documentElement.classList.add('js');
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? '';
  const count = document.getElementById('preview-count');
  const note = document.getElementById('preview-note');
  const sample = document.getElementById('preview-sample');
  let timer;
  let latest = 0;

  async function preview() {
    const mine = ++latest;
    count.setAttribute('aria-busy', 'true');
    try {
      const res = await fetch(`/app/segments/preview${location.search}`, {
        method: 'POST',
        body: new FormData(form),
        headers: { 'X-CSRF-Token': csrf },
      });
      const data = await res.json();
      if (mine !== latest) return;
      if (data.errors) {
        count.textContent = '—';
        note.textContent = data.errors.join('; ');
        sample.replaceChildren();
      } else {
        count.textContent = data.count.toLocaleString('en');
        note.textContent = `of ${data.total.toLocaleString('en')} profiles match this rule now`;
        sample.replaceChildren(
          ...data.sample.map((id) =>
            Object.assign(document.createElement('li'), { textContent: id }),
          ),
        );
      }
    } catch {
      if (mine === latest) note.textContent = 'Preview unavailable';
    } finally {
      if (mine === latest) count.removeAttribute('aria-busy');
    }
  }
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(preview, 300);
  };

  form.addEventListener('input', later);
  form.addEventListener('change', (e) => {
    // A new condition type needs other fields: let the server re-render the form.
    if (/^c\d+\.type$/.test(e.target.name)) {
      form.requestSubmit(form.querySelector('[data-refresh]'));
    } else later();
  });
  preview();
})();
