// Renders /api/openapi.json as a readable list (no external assets).
(async function () {
  const el = document.getElementById('ops');
  const esc = s => String(s == null ? '' : s).replace(/[&<>"]/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
  try {
    const spec = await (await fetch('/api/openapi.json')).json();
    let h = '';
    for (const [path, ops] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        h += '<section class="card"><h3><code>' + method.toUpperCase() + ' ' + esc(path) + '</code></h3><p>' + esc(op.summary) + '</p>';
        if (op.parameters) h += '<p>参数：' + op.parameters.map(p => '<code>' + esc(p.name) + '</code>（' + esc(p.in) + '）').join('，') + '</p>';
        const body = op.requestBody && op.requestBody.content['application/json'].schema;
        if (body) h += '<pre>' + esc(JSON.stringify(body, null, 2)) + '</pre>';
        h += '<p>响应：' + Object.entries(op.responses).map(([c, r]) => '<code>' + c + '</code> ' + esc(r.description)).join('；') + '</p></section>';
      }
    }
    el.innerHTML = h;
  } catch (e) {
    el.textContent = '无法加载接口描述：' + e;
  }
})();
