// Suggestions from the indicator library (指标库) as a clerk types an indicator name: a list under the
// field, by mouse or keyboard (↑ ↓ Enter, Esc closes). Used by the goal form and the editor.
(function () {
  'use strict';
  let box = null, timer = null, entries = [], active = -1, target = null, onPick = null;

  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  }
  function close() {
    if (box) { box.remove(); box = null; }
    entries = []; active = -1;
  }
  function pick(i) {
    const e = entries[i], el = target, f = onPick;
    close();
    if (e && el && f) f(el, e);
  }
  function mark() {
    if (!box) return;
    box.querySelectorAll('li').forEach((li, i) => li.classList.toggle('active', i === active));
  }
  function show(el, list, f) {
    close();
    if (!list.length) return;
    entries = list; target = el; onPick = f;
    box = document.createElement('ul');
    box.className = 'suggest';
    box.setAttribute('role', 'listbox');
    list.forEach((e, i) => {
      const li = document.createElement('li');
      li.setAttribute('role', 'option');
      const ex = e.examples && e.examples[0] ? ' · 例：' + e.examples[0].target : '';
      li.innerHTML = '<b>' + esc(e.name) + '</b> <small>' + esc(e.level1 + ' / ' + e.level2 + (e.unit ? ' · ' + e.unit : '') + ex) + '</small>';
      li.addEventListener('mousedown', ev => { ev.preventDefault(); pick(i); });
      box.appendChild(li);
    });
    const r = el.getBoundingClientRect();
    box.style.left = (r.left + window.scrollX) + 'px';
    box.style.top = (r.bottom + window.scrollY) + 'px';
    document.body.appendChild(box);
  }
  function attach(root, matches, f) {
    root.addEventListener('input', ev => {
      const el = ev.target;
      if (!matches(el)) return;
      clearTimeout(timer);
      const q = el.value.trim();
      if (!q) { close(); return; }
      timer = setTimeout(() => {
        fetch('/api/v1/library?limit=8&q=' + encodeURIComponent(q), { credentials: 'same-origin' })
          .then(r => (r.ok ? r.json() : []))
          .then(list => { if (document.activeElement === el) show(el, list, f); })
          .catch(() => {});
      }, 150);
    });
    root.addEventListener('keydown', ev => {
      if (!box || ev.target !== target) return;
      if (ev.key === 'ArrowDown') { active = Math.min(entries.length - 1, active + 1); mark(); ev.preventDefault(); }
      else if (ev.key === 'ArrowUp') { active = Math.max(0, active - 1); mark(); ev.preventDefault(); }
      else if (ev.key === 'Enter' && active >= 0) { pick(active); ev.preventDefault(); }
      else if (ev.key === 'Escape') close();
    });
    root.addEventListener('focusout', () => setTimeout(close, 200));
  }
  window.JixiaoLibrary = { attach };
})();
