// The goal form (绩效目标申报表): library suggestions fill a row's groups, explanation, direction and
// usual basis; rows can be added; text cells grow with their text.
(function () {
  'use strict';
  const table = document.getElementById('goal-rows');
  if (!table) return;
  const BASIS = { '计划标准': 'plan', '行业标准': 'industry', '历史标准': 'history', '其他': 'other' };
  function fit(el) { el.style.height = 'auto'; el.style.height = (el.scrollHeight + 2) + 'px'; }
  document.querySelectorAll('textarea.grow').forEach(fit);
  document.addEventListener('input', e => { if (e.target.classList && e.target.classList.contains('grow')) fit(e.target); });

  function fill(el, entry) {
    const row = el.closest('tr');
    const field = name => row.querySelector('[name="' + name + '"]');
    const put = (name, v) => { const f = field(name); if (f && !f.value && v) { f.value = v; if (f.tagName === 'TEXTAREA') fit(f); } };
    el.value = entry.name;
    fit(el);
    // The entry knows its groups; explanation, basis and direction only fill what is blank.
    field('level1').value = entry.level1;
    field('level2').value = entry.level2;
    fit(field('level2'));
    put('explanation', entry.explanation);
    put('basis', BASIS[entry.basis] || '');
    put('direction', entry.direction);
    const hint = row.querySelector('.lib-hint');
    if (hint) {
      const ex = entry.examples && entry.examples[0] ? '例：' + entry.examples[0].target : '';
      hint.textContent = [entry.unit ? '单位：' + entry.unit : '', ex].filter(Boolean).join('，');
    }
    const target = field('target');
    if (target && !target.value) target.focus();
  }
  if (window.JixiaoLibrary) {
    window.JixiaoLibrary.attach(table, el => el.classList && el.classList.contains('ind-name'), fill);
  }
  document.getElementById('add-row').addEventListener('click', () => {
    const rows = table.querySelectorAll('tbody tr');
    const copy = rows[rows.length - 1].cloneNode(true);
    copy.querySelectorAll('input, textarea, select').forEach(f => { f.value = ''; });
    copy.querySelectorAll('.lib-hint').forEach(h => { h.textContent = ''; });
    table.querySelector('tbody').appendChild(copy);
    copy.querySelectorAll('textarea.grow').forEach(fit);
  });
})();
