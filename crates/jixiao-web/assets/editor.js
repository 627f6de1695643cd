// The project editor: the paper form as a grid, live scoring from the server, a local draft that
// survives a reload. Everything it shows is computed by the core on the server (/api/v1/evaluate).
(function () {
  'use strict';
  const form = document.getElementById('editor');
  const root = document.getElementById('editor-root');
  const panel = document.getElementById('panel-body');
  const mini = document.getElementById('panel-mini');
  // The live-score panel folds away to its total, for a narrow screen; the choice is remembered.
  const layout = document.querySelector('.editor-layout'), fold = document.getElementById('panel-fold');
  function folded(on) {
    layout.classList.toggle('folded', on);
    fold.textContent = on ? '展开' : '收起';
    fold.setAttribute('aria-expanded', String(!on));
    try { localStorage.setItem('jixiao-panel-folded', on ? '1' : ''); } catch (_) { /* storage disabled */ }
  }
  fold.addEventListener('click', () => folded(!layout.classList.contains('folded')));
  let wasFolded = false;
  try { wasFolded = localStorage.getItem('jixiao-panel-folded') === '1'; } catch (_) { /* storage disabled */ }
  folded(wasFolded);
  const id = form.dataset.id, revision = form.dataset.revision, csrf = form.dataset.csrf;
  const draftKey = 'jixiao-draft-' + id + '-' + revision;
  let project = JSON.parse(document.getElementById('project-data').textContent);

  const LEVEL1 = ['产出指标', '效益指标', '满意度指标'];
  const LEVEL2 = ['数量指标', '质量指标', '时效指标', '成本指标', '经济效益指标', '社会效益指标', '生态效益指标', '可持续影响指标', '服务对象满意度指标'];

  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  }
  function get(path) {
    return path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), project);
  }
  function set(path, value) {
    const keys = path.split('.');
    let o = project;
    keys.slice(0, -1).forEach(k => { if (o[k] == null) o[k] = {}; o = o[k]; });
    const last = keys[keys.length - 1];
    if (value === '' || value == null) { delete o[last]; } else { o[last] = value; }
  }
  function input(path, opts) {
    opts = opts || {};
    const v = get(path);
    // A one-line field is as wide as its text (a Chinese character takes two columns).
    const size = opts.size || Math.max(14, 2 * String(v == null ? '' : v).length + 2);
    const attrs = 'data-path="' + path + '"' + (opts.kind ? ' data-kind="' + opts.kind + '"' : '') + (opts.list ? ' list="' + opts.list + '"' : '') + (opts.grow || opts.area ? '' : ' size="' + size + '"');
    if (opts.area) return '<textarea class="grow" ' + attrs + ' rows="' + (opts.rows || 3) + '">' + esc(v) + '</textarea>';
    // A cell of the indicator table: wraps and grows with its text, so every word stays readable.
    if (opts.grow) return '<textarea class="grow" ' + attrs + ' rows="1">' + esc(v) + '</textarea>';
    return '<input ' + attrs + ' value="' + esc(v) + '">';
  }
  function field(label, path, opts) {
    return '<label>' + label + ' ' + input(path, opts) + '</label>';
  }

  function render() {
    const p = project;
    p.funds = p.funds || {}; p.goals = p.goals || {}; p.statement = p.statement || {}; p.report = p.report || {};
    p.indicators = p.indicators || []; p.funds.sources = p.funds.sources || [];
    let h = '<datalist id="level1">' + LEVEL1.map(x => '<option value="' + x + '">').join('') + '</datalist>';
    h += '<datalist id="level2">' + LEVEL2.map(x => '<option value="' + x + '">').join('') + '</datalist>';
    h += '<fieldset><legend>项目信息</legend><div class="fields">' +
      field('项目名称', 'project.name') + field('评价年度', 'project.year', { kind: 'int', size: 5 }) + field('项目级次', 'project.level', { size: 6 }) +
      field('主管部门', 'project.department') + field('实施单位', 'project.implementer') + field('项目编码', 'project.code', { size: 14 }) + '</div></fieldset>';
    h += '<fieldset><legend>项目资金（万元）</legend><div class="fields">' +
      field('年初预算数', 'funds.initial', { size: 10 }) + field('全年预算数', 'funds.annual', { size: 10 }) + field('全年执行数', 'funds.executed', { size: 10 }) +
      field('执行率分值', 'funds.execution_weight', { size: 4 }) + field('执行率自评得分', 'funds.self_score', { size: 4 }) +
      '<span class="hint" id="hint-execution"></span></div>';
    h += '<table class="grid small"><thead><tr><th>资金来源</th><th>年初预算数</th><th>全年预算数</th><th>全年执行数</th><th></th></tr></thead><tbody>';
    p.funds.sources.forEach((s, i) => {
      h += '<tr><td>' + input('funds.sources.' + i + '.name') + '</td><td>' + input('funds.sources.' + i + '.initial', { size: 10 }) + '</td><td>' + input('funds.sources.' + i + '.annual', { size: 10 }) + '</td><td>' +
        input('funds.sources.' + i + '.executed', { size: 10 }) + '</td><td><button type="button" data-op="del-source" data-i="' + i + '" title="删除">✕</button></td></tr>';
    });
    h += '</tbody></table><button type="button" data-op="add-source">＋ 资金来源</button></fieldset>';
    h += '<fieldset><legend>年度总体目标</legend><div class="two">' + field('年度预期绩效目标', 'goals.expected', { area: true }) + field('目标实际完成情况', 'goals.actual', { area: true }) + '</div></fieldset>';
    h += '<fieldset><legend>绩效指标</legend><table class="grid indicators edit"><thead><tr><th>一级指标</th><th>二级指标</th><th>三级指标</th><th>年度指标值</th><th>实际完成值</th><th>分值</th><th>自评<br>得分</th><th>计算</th><th>偏差原因分析及改进措施</th><th>方向</th><th></th></tr></thead><tbody>';
    p.indicators.forEach((ind, i) => {
      const b = 'indicators.' + i + '.';
      h += '<tr id="row-' + i + '"><td>' + input(b + 'level1', { list: 'level1', grow: true }) + '</td><td>' + input(b + 'level2', { list: 'level2', grow: true }) + '</td><td>' +
        input(b + 'name', { grow: true }) + '</td><td>' + input(b + 'target', { grow: true }) + '<small class="hint" id="hint-t-' + i + '"></small></td><td>' +
        input(b + 'actual', { grow: true }) + '<small class="hint" id="hint-a-' + i + '"></small></td><td>' + input(b + 'weight', { size: 3 }) + '</td><td>' +
        input(b + 'self_score', { size: 3 }) + '</td><td class="num" id="score-' + i + '"></td><td>' + input(b + 'deviation', { grow: true }) + '</td><td>' + direction(b + 'direction', ind.direction) + '</td><td class="rowops">' +
        '<button type="button" data-op="up" data-i="' + i + '" title="上移">↑</button><button type="button" data-op="down" data-i="' + i + '" title="下移">↓</button>' +
        '<button type="button" data-op="del" data-i="' + i + '" title="删除">✕</button></td></tr>';
    });
    h += '</tbody></table><button type="button" data-op="add">＋ 添加指标</button></fieldset>';
    h += '<fieldset><legend>自评结论</legend><div class="fields">' + field('总分', 'statement.total', { size: 6 }) +
      LEVEL1.map(l => field(l + '权重', 'statement.level_weights.' + l, { size: 3 })).join('') +
      '<label>评价等级 <select data-path="statement.grade">' + ['', '优', '良', '中', '差'].map(g => '<option' + (p.statement.grade === g ? ' selected' : '') + '>' + g + '</option>').join('') + '</select></label>' +
      '</div><div class="two">' + field('存在问题', 'statement.problems', { area: true, rows: 2 }) + field('改进措施', 'statement.measures', { area: true, rows: 2 }) + '</div></fieldset>';
    const sections = [['background', '项目背景及立项依据'], ['goals', '项目绩效目标'], ['funds_usage', '项目资金来源及使用情况'], ['implementation', '项目实施情况'],
      ['overview', '绩效评价概述'], ['conclusion', '评价结论与绩效分析'], ['experience', '主要绩效或成功经验'], ['problems', '存在问题或不足'], ['measures', '下一步改进措施']];
    h += '<fieldset><legend>自评报告正文</legend>' + sections.map(([k, l]) => field(l, 'report.' + k, { area: true, rows: 3 })).join('') + '</fieldset>';
    root.innerHTML = h;
    root.querySelectorAll('textarea.grow').forEach(fit);
  }

  // Grows a wrapping cell to its text (where the browser cannot size fields to their content itself).
  function fit(el) {
    el.style.height = 'auto';
    el.style.height = (el.scrollHeight + 2) + 'px';
  }
  // A field grown while hidden (a folded panel, a restored draft) is measured again when shown.
  window.addEventListener('resize', () => root.querySelectorAll('textarea.grow').forEach(fit));

  // 指标方向: read from the target unless the form states it.
  function direction(path, v) {
    const opts = [['', '自动'], ['positive', '正向'], ['reverse', '反向'], ['qualitative', '定性']];
    return '<select data-path="' + path + '">' + opts.map(([k, l]) => '<option value="' + k + '"' + ((v || '') === k ? ' selected' : '') + '>' + l + '</option>').join('') + '</select>';
  }

  function value(el) {
    const v = el.value;
    if (el.dataset.kind === 'int') { const n = parseInt(v, 10); return isNaN(n) ? v : n; }
    return v;
  }

  root.addEventListener('input', e => {
    const path = e.target.dataset && e.target.dataset.path;
    if (!path) return;
    set(path, value(e.target));
    if (e.target.classList.contains('grow')) fit(e.target);
    changed();
  });
  root.addEventListener('change', e => {
    const path = e.target.dataset && e.target.dataset.path;
    if (path && e.target.tagName === 'SELECT') { set(path, e.target.value); changed(); }
  });
  root.addEventListener('click', e => {
    const op = e.target.dataset && e.target.dataset.op;
    if (!op) return;
    const i = parseInt(e.target.dataset.i, 10);
    const rows = project.indicators;
    if (op === 'add') {
      const last = rows[rows.length - 1] || {};
      rows.push({ level1: last.level1 || '产出指标', level2: last.level2 || '数量指标', name: '', target: '', actual: '', weight: 0 });
    } else if (op === 'del') {
      if (!confirm('删除该指标？')) return;
      rows.splice(i, 1);
    } else if (op === 'up' && i > 0) {
      [rows[i - 1], rows[i]] = [rows[i], rows[i - 1]];
    } else if (op === 'down' && i < rows.length - 1) {
      [rows[i + 1], rows[i]] = [rows[i], rows[i + 1]];
    } else if (op === 'add-source') {
      project.funds.sources.push({ name: '', annual: '0', executed: '0' });
    } else if (op === 'del-source') {
      project.funds.sources.splice(i, 1);
    }
    render();
    changed();
    // A new row is where the clerk types next.
    if (op === 'add') {
      const el = root.querySelector('[data-path="indicators.' + (rows.length - 1) + '.name"]');
      if (el) { el.scrollIntoView({ block: 'center' }); el.focus(); }
    }
  });

  let timer = null;
  function changed() {
    try { localStorage.setItem(draftKey, JSON.stringify(project)); } catch (_) { /* storage full or disabled */ }
    clearTimeout(timer);
    timer = setTimeout(evaluate, 300);
  }

  async function evaluate() {
    let res;
    try {
      res = await fetch('/api/v1/evaluate?project=' + encodeURIComponent(id), { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: JSON.stringify(project) });
    } catch (_) {
      panel.innerHTML = '<p class="error">无法连接服务器，修改已保存在本机。</p>';
      return;
    }
    if (!res.ok) { panel.innerHTML = '<p class="error">计算失败（' + res.status + '）</p>'; return; }
    const r = await res.json();
    if (r.invalid) { panel.innerHTML = '<p class="error">' + esc(r.invalid) + '</p>'; return; }
    // The one JSON form (schema jixiao-evaluation): exact decimals arrive as strings; two places on screen.
    const ev = r.evaluation, f2 = x => Number(x).toFixed(2);
    ev.indicators.forEach((s, i) => {
      const t = document.getElementById('hint-t-' + i), a = document.getElementById('hint-a-' + i), sc = document.getElementById('score-' + i);
      if (t) { t.textContent = s.target_reading; t.classList.toggle('bad', s.target_reading.startsWith('无法识别')); }
      if (a) { a.textContent = s.actual_reading; a.classList.toggle('bad', s.actual_reading.startsWith('无法识别')); }
      if (sc) { sc.textContent = s.computed_score == null ? (s.outcome === 'not-applicable' ? '不适用' : '无法计分') : f2(s.computed_score); sc.title = s.trace.rule + '：' + s.trace.formula; }
    });
    const ex = document.getElementById('hint-execution'), x = ev.execution;
    if (ex) ex.textContent = x.rate == null ? '执行率：不适用' : '执行率 ' + (Number(x.rate) * 100).toFixed(2).replace(/\.?0+$/, '') + '%，得分 ' + f2(x.computed_score);
    mini.textContent = f2(ev.total) + ' ' + ev.grade + (r.findings.length ? ' · 发现 ' + r.findings.length : '');
    let h = '<div class="big"><span>计算总分</span><b>' + f2(ev.total) + '</b><em>' + esc(ev.grade) + '</em></div>';
    if (ev.self_total != null) h += '<p>自评总分 ' + esc(ev.self_total) + '</p>';
    h += '<table class="grid small"><tbody>' + ev.groups.map(g => '<tr><td>' + esc(g.name) + '</td><td class="num">' + f2(g.computed_score) + ' / ' + esc(g.weight) + '</td></tr>').join('') + '</tbody></table>';
    h += '<h3>审核发现（' + r.findings.length + '）</h3><ul class="findings">' + r.findings.map(f =>
      '<li class="' + f.severity + '"><b>' + esc(f.name) + '</b> <a href="#" data-goto="' + esc(f.path) + '">' + esc(f.message) + '</a><br><small>' + esc(f.advice) + '</small></li>').join('') + '</ul>';
    panel.innerHTML = h;
  }

  // A finding links to the cell it is about: indicators[3].actual → the input of that cell.
  panel.addEventListener('click', e => {
    const path = e.target.dataset && e.target.dataset.goto;
    if (!path) return;
    e.preventDefault();
    const dotted = path.replace(/\[(\d+)\]/g, '.$1');
    const el = root.querySelector('[data-path="' + dotted + '"]') || root.querySelector('[data-path^="' + dotted + '"]');
    if (el) { el.focus(); el.scrollIntoView({ block: 'center' }); }
  });

  // An indicator picked from the library brings its groups (and a direction other than the default).
  if (window.JixiaoLibrary) {
    window.JixiaoLibrary.attach(root, el => /^indicators\.\d+\.name$/.test((el.dataset && el.dataset.path) || ''), (el, entry) => {
      const b = el.dataset.path.replace(/name$/, '');
      set(b + 'name', entry.name);
      set(b + 'level1', entry.level1);
      set(b + 'level2', entry.level2);
      if (!get(b + 'direction') && entry.direction !== 'positive') set(b + 'direction', entry.direction);
      render();
      changed();
    });
  }

  form.addEventListener('submit', () => {
    document.getElementById('data').value = JSON.stringify(project);
  });

  // Drafts of older revisions are stale: the saved project moved on.
  Object.keys(localStorage).filter(k => k.startsWith('jixiao-draft-' + id + '-') && k !== draftKey).forEach(k => localStorage.removeItem(k));
  const draft = localStorage.getItem(draftKey);
  const notice = document.getElementById('draft-notice');
  if (draft && draft !== JSON.stringify(project)) {
    notice.hidden = false;
    document.getElementById('draft-restore').onclick = () => { project = JSON.parse(draft); render(); evaluate(); notice.hidden = true; };
    document.getElementById('draft-discard').onclick = () => { localStorage.removeItem(draftKey); notice.hidden = true; };
  }
  render();
  evaluate();
})();
