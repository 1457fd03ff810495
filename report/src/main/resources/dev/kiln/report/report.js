// The compile report's page: builds the tables, and draws the graph stages (laid
// out by ELK at compile time) and the arena timeline as SVG from the JSON above.
// Names from the model are untrusted: they reach the page only as text nodes.
(function () {
  'use strict';
  var started = performance.now();
  var data = JSON.parse(document.getElementById('kiln-data').textContent);
  var SVG = 'http://www.w3.org/2000/svg';
  var graphs = { after: data.after, before: data.before };
  var rendered = { after: {}, before: {} };   // stage index -> {svg, boxes by vertex, zoom}

  // ---- small helpers --------------------------------------------------------

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) { e.setAttribute(k, attrs[k]); }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }
  function svgEl(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    for (var k in attrs || {}) { e.setAttribute(k, attrs[k]); }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }
  function td(text, cls) { return el('td', cls ? { 'class': cls } : {}, text); }
  function thousands(n) { return Number(n).toLocaleString('en-US'); }
  function si(n) {
    var units = ['', ' k', ' M', ' G', ' T'];
    var i = 0;
    while (Math.abs(n) >= 1000 && i < units.length - 1) { n /= 1000; i++; }
    return (i === 0 ? String(n) : n.toFixed(n >= 100 ? 0 : n >= 10 ? 1 : 2)) + units[i];
  }
  function bytes(n) {
    var units = [' B', ' KiB', ' MiB', ' GiB'];
    var i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? String(n) : n.toFixed(n >= 100 ? 0 : n >= 10 ? 1 : 2)) + units[i];
  }

  // Colour families of ops, for the boxes.
  var CATEGORY = {
    conv: ['Conv', 'FusedConv', 'ConvTranspose'],
    matmul: ['MatMul', 'Gemm', 'Einsum'],
    norm: ['BatchNormalization', 'LayerNormalization', 'GroupNormalization', 'InstanceNormalization', 'Softmax',
      'ReduceMean', 'LpNormalization'],
    act: ['Relu', 'Gelu', 'HardSwish', 'HardSigmoid', 'Sigmoid', 'Tanh', 'Erf', 'Clip', 'LeakyRelu', 'Elu', 'Selu',
      'Softplus', 'Mish', 'PRelu', 'Swish'],
    shape: ['Reshape', 'Transpose', 'Flatten', 'Squeeze', 'Unsqueeze', 'Concat', 'Split', 'Slice', 'Gather', 'Shape',
      'Expand', 'Identity', 'Pad', 'Resize', 'Cast', 'Range', 'ScatterND', 'ConstantOfShape', 'Tile', 'Where',
      'Equal', 'Not', 'Dropout'],
    'const': ['Constant'],
    math: ['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Sqrt', 'Mod', 'GlobalAveragePool', 'AveragePool', 'MaxPool']
  };
  var categoryOf = {};
  Object.keys(CATEGORY).forEach(function (c) { CATEGORY[c].forEach(function (op) { categoryOf[op] = c; }); });

  // ---- header and totals ----------------------------------------------------

  function header() {
    var s = data.summary;
    document.title = 'Kiln report: ' + s.model;
    document.getElementById('model-name').textContent = s.model;
    document.getElementById('model-meta').textContent = 'opset ' + s.opset
      + (s.producer ? ' \u00b7 made by ' + s.producer : '')
      + ' \u00b7 target ' + s.target + ', cpu ' + s.cpu
      + (s.options ? ' \u00b7 ' + s.options : '')
      + ' \u00b7 Kiln ' + s.kilnVersion + ' \u00b7 SHA-256 ' + s.sha256.substring(0, 16) + '\u2026';
  }

  function totals() {
    var s = data.summary;
    var saved = s.intermediateBytes > 0 ? Math.round(100 * (1 - s.arenaBytes / s.intermediateBytes)) : 0;
    var cards = [
      ['parameters', si(s.parameters), thousands(s.parameters) + ' floating-point weights in the weight file'],
      ['multiply-accumulates', si(s.macs) + 'MAC', thousands(s.macs) + ' per inference (convolutions and matrix products)'],
      ['weight file', bytes(s.weightFileBytes), thousands(s.weightFileBytes) + ' bytes, header included'],
      ['activation arena', bytes(s.arenaBytes), 'per calling thread; all intermediates take '
        + bytes(s.intermediateBytes) + ' (' + saved + '% saved by reuse)'
        + (s.scratchFloatsPerPart ? '; kernel scratch ' + bytes(4 * s.scratchFloatsPerPart) + ' per thread' : '')],
      ['nodes', s.importedNodes + ' \u2192 ' + s.nodes, 'imported \u2192 after the passes; ' + s.kernels
        + ' run a kernel, the rest are views'],
      ['timings', s.profiled ? s.profiledMillis.toFixed(2) + ' ms' : 'not profiled', s.profiled
        ? 'measured per kernel step' + (s.profile ? ': ' + s.profile : '') + '; the layer table shows each'
        : 'this report was made without an instrumented run']
    ];
    var box = document.getElementById('totals-cards');
    cards.forEach(function (c) {
      var card = el('div', { 'class': 'card' });
      card.appendChild(el('div', { 'class': 'label' }, c[0]));
      card.appendChild(el('div', { 'class': 'value' }, c[1]));
      card.appendChild(el('div', { 'class': 'detail' }, c[2]));
      box.appendChild(card);
    });
  }

  function passes() {
    var body = document.querySelector('#pass-table tbody');
    data.passes.forEach(function (p) {
      var tr = el('tr');
      tr.appendChild(td(p.pass, 'mono'));
      tr.appendChild(td(p.description));
      tr.appendChild(td(thousands(p.rewrites), 'num'));
      tr.appendChild(td(thousands(p.nodesAfter), 'num'));
      var changes = td('');
      Object.keys(p.replaced).forEach(function (k) { changes.appendChild(el('div', {}, k + ' \u00d7' + p.replaced[k])); });
      Object.keys(p.removed).forEach(function (k) { changes.appendChild(el('div', {}, 'removed ' + k + ' \u00d7' + p.removed[k])); });
      Object.keys(p.rewritten).forEach(function (k) { changes.appendChild(el('div', {}, 'rewrote ' + k + ' \u00d7' + p.rewritten[k])); });
      if (!changes.firstChild) { changes.appendChild(el('span', { 'class': 'none' }, 'nothing')); }
      tr.appendChild(changes);
      body.appendChild(tr);
    });
  }

  // ---- the layer table ------------------------------------------------------

  var beforeByName = {};   // imported node name -> vertex index in the before graph

  function layerTable() {
    data.before.vertices.forEach(function (v, i) { if (v.kind === 'node') { beforeByName[v.name] = i; } });
    var heads = [['#', 'num'], ['op'], ['ONNX nodes fused into it'], ['inputs \u2192 outputs'], ['MACs', 'num'],
      ['weights', 'num'], ['activations', 'num'], ['layout'], ['profile'], ['kernel'],
      [data.summary.profiled ? 'time (ms)' : 'time (not profiled)', 'num']];
    var tr = el('tr');
    heads.forEach(function (h) { tr.appendChild(el('th', h[1] ? { 'class': h[1] } : {}, h[0])); });
    document.querySelector('#layer-table thead').appendChild(tr);
    var body = document.querySelector('#layer-table tbody');
    data.layers.forEach(function (l) { body.appendChild(layerRow(l)); });
  }

  function layerRow(l) {
    var tr = el('tr', { id: 'layer-' + l.index });
    tr.dataset.search = (l.op + ' ' + l.name + ' ' + l.fused.map(function (o) { return o.name + ' ' + o.op; }).join(' '))
      .toLowerCase();
    var index = td('', 'num');
    var link = el('a', { href: '#graph', title: 'show in the graph' }, String(l.index));
    link.addEventListener('click', function (e) { e.preventDefault(); showVertex('after', afterVertexOfLayer[l.index]); });
    index.appendChild(link);
    tr.appendChild(index);
    tr.appendChild(td(l.op, 'mono'));
    var fused = td('');
    if (l.fused.length > 1) {
      fused.appendChild(el('div', {}, l.fused.map(function (o) { return o.op; }).join(' + ')));
    } else if (l.fused.length === 0) {
      fused.appendChild(el('div', { 'class': 'added' }, 'added by a pass (a layout Transpose, a phase Conv)'));
    }
    var names = el('div', { 'class': 'names' });
    l.fused.forEach(function (o) {
      var a = el('a', { href: '#graph', title: 'show in the imported graph' }, o.name);
      a.addEventListener('click', function (e) { e.preventDefault(); showVertex('before', beforeByName[o.name]); });
      names.appendChild(a);
      names.appendChild(el('br'));
    });
    fused.appendChild(names);
    tr.appendChild(fused);
    tr.appendChild(td(l.inputs.join(', ') + ' \u2192 ' + l.outputs.join(', '), 'mono'));
    tr.appendChild(td(l.macs ? si(l.macs) : '', 'num'));
    tr.appendChild(td(l.weightBytes ? bytes(l.weightBytes) : '', 'num'));
    tr.appendChild(td(l.activationBytes ? bytes(l.activationBytes) : '', 'num'));
    tr.appendChild(td(l.layout));
    tr.appendChild(td(l.profile));
    tr.appendChild(td(l.kernel, 'mono'));
    tr.appendChild(td(l.millis === undefined || l.millis === null ? '\u2014' : l.millis.toFixed(3), 'num'));
    return tr;
  }

  function filterLayers() {
    var q = document.getElementById('layer-filter').value.toLowerCase();
    document.querySelectorAll('#layer-table tbody tr').forEach(function (tr) {
      tr.hidden = q !== '' && tr.dataset.search.indexOf(q) < 0;
    });
  }

  function showLayer(index) {
    var row = document.getElementById('layer-' + index);
    if (!row) { return; }
    document.querySelectorAll('#layer-table tr.hl').forEach(function (r) { r.classList.remove('hl'); });
    row.classList.add('hl');
    row.scrollIntoView({ block: 'center' });
  }

  // ---- the graph ------------------------------------------------------------

  var afterVertexOfLayer = {};

  function graphSection(key) {
    var g = graphs[key];
    var box = document.getElementById('graph-' + key);
    g.stages.forEach(function (stage, s) {
      var details = el('details', { 'class': 'stage', id: key + '-stage-' + s });
      var summary = el('summary', {}, stage.title);
      summary.appendChild(el('span', { 'class': 'count' }, stage.nodes + ' nodes'));
      details.appendChild(summary);
      details.addEventListener('toggle', function () {
        if (details.open && !rendered[key][s]) {
          renderStage(key, s);
          scrollToStart(rendered[key][s]);
        }
      });
      box.appendChild(details);
    });
  }

  function openStage(key, s) {
    var details = document.getElementById(key + '-stage-' + s);
    var fresh = !rendered[key][s];
    renderStage(key, s);
    details.open = true;
    if (fresh) { scrollToStart(rendered[key][s]); }
    return rendered[key][s];
  }

  function renderStage(key, s) {
    if (rendered[key][s]) { return; }
    var g = graphs[key];
    var stage = g.stages[s];
    var details = document.getElementById(key + '-stage-' + s);
    var view = { zoom: 1, boxes: {}, nodes: {} };
    rendered[key][s] = view;
    var buttons = el('div', { 'class': 'viewer-buttons' });
    var viewport = el('div', { 'class': 'viewport' });
    var svg = svgEl('svg', { 'class': 'stage-svg', width: stage.width, height: stage.height,
      viewBox: '0 0 ' + stage.width + ' ' + stage.height });
    view.svg = svg;
    view.viewport = viewport;
    view.stage = stage;
    stage.groups.forEach(function (gr) { svg.appendChild(groupFrame(gr)); });
    stage.edges.forEach(function (p) {
      var d = 'M' + p[0] + ',' + p[1];
      for (var i = 2; i < p.length; i += 2) { d += ' L' + p[i] + ',' + p[i + 1]; }
      svg.appendChild(svgEl('path', { 'class': 'e', d: d }));
    });
    // Frame labels over the edges that cross them.
    stage.groups.forEach(function (gr) {
      svg.appendChild(svgEl('text', { 'class': 'group-label', x: gr.x + 7, y: gr.y + 13 }, gr.label));
    });
    stage.boxes.forEach(function (b) {
      var node = vertexBox(key, b, g.vertices[b.v]);
      view.boxes[b.v] = b;
      view.nodes[b.v] = node;
      svg.appendChild(node);
    });
    stage.stubs.forEach(function (st) { svg.appendChild(stubBox(key, st)); });
    [['\u2212', 1 / 1.25], ['+', 1.25], ['fit', 0], ['1:1', -1]].forEach(function (z) {
      var b = el('button', { type: 'button' }, z[0]);
      b.addEventListener('click', function () { zoom(view, z[1]); });
      buttons.appendChild(b);
    });
    viewport.appendChild(svg);
    viewport.addEventListener('wheel', function (e) {
      if (e.ctrlKey || e.metaKey) { e.preventDefault(); zoom(view, e.deltaY < 0 ? 1.15 : 1 / 1.15); }
    }, { passive: false });
    dragToScroll(viewport);
    details.appendChild(buttons);
    details.appendChild(viewport);
  }

  // Scrolls a stage to where it starts: its topmost box in the middle. (Not done while
  // drawing, since reading the viewport's width makes the browser lay out the page.)
  function scrollToStart(view) {
    var top = view.stage.boxes.reduce(function (a, b) { return b.y < a.y ? b : a; }, view.stage.boxes[0]);
    if (top) { view.viewport.scrollLeft = top.x + top.w / 2 - view.viewport.clientWidth / 2; }
  }

  function zoom(view, factor) {
    if (factor === 0) {
      var w = view.viewport.clientWidth || 1000;
      view.zoom = Math.min(1, w / view.stage.width);
    } else if (factor < 0) {
      view.zoom = 1;
    } else {
      view.zoom = Math.max(0.05, Math.min(4, view.zoom * factor));
    }
    view.svg.setAttribute('width', Math.round(view.stage.width * view.zoom));
    view.svg.setAttribute('height', Math.round(view.stage.height * view.zoom));
  }

  function dragToScroll(viewport) {
    var start = null;
    viewport.addEventListener('pointerdown', function (e) {
      if (e.button !== 0) { return; }
      start = { x: e.clientX, y: e.clientY, left: viewport.scrollLeft, top: viewport.scrollTop, moved: false };
    });
    viewport.addEventListener('pointermove', function (e) {
      if (!start) { return; }
      var dx = e.clientX - start.x;
      var dy = e.clientY - start.y;
      if (!start.moved && Math.abs(dx) + Math.abs(dy) > 4) {
        start.moved = true;
        viewport.classList.add('dragging');
        viewport.setPointerCapture(e.pointerId);
      }
      if (start.moved) {
        viewport.scrollLeft = start.left - dx;
        viewport.scrollTop = start.top - dy;
      }
    });
    function end(e) {
      if (start && start.moved) {
        viewport.classList.remove('dragging');
        // A drag is not a click on the node under the pointer.
        viewport.addEventListener('click', function stop(ev) { ev.stopPropagation(); }, { capture: true, once: true });
      }
      start = null;
    }
    viewport.addEventListener('pointerup', end);
    viewport.addEventListener('pointercancel', end);
  }

  function vertexBox(key, b, v) {
    var cls = 'n';
    if (v.kind !== 'node') {
      cls += ' io';
    } else {
      cls += ' c-' + (categoryOf[v.lines[0]] || 'other');
    }
    if (v.fused) { cls += ' fused'; }
    if (v.note) { cls += ' removed'; }
    var g = svgEl('g', { 'class': cls, transform: 'translate(' + b.x + ',' + b.y + ')' });
    g.appendChild(svgEl('rect', { width: b.w, height: b.h, rx: 3 }));
    v.lines.forEach(function (line, i) {
      g.appendChild(svgEl('text', { x: 7, y: 14 + 13 * i, 'class': i === 0 ? 'op' : '' }, line));
    });
    var tip = [v.name || '(unnamed)', v.type];
    if (v.layer !== undefined && v.layer !== null) { tip.push('layer ' + v.layer + ' (click for its row)'); }
    if (v.note) { tip.push(v.note); }
    g.appendChild(svgEl('title', {}, tip.join('\n')));
    g.addEventListener('click', function () {
      if (v.layer !== undefined && v.layer !== null) { showLayer(v.layer); }
    });
    return g;
  }

  function groupFrame(gr) {
    var g = svgEl('g', { 'class': 'group', transform: 'translate(' + gr.x + ',' + gr.y + ')' });
    g.appendChild(svgEl('rect', { width: gr.w, height: gr.h, rx: 6 }));
    g.appendChild(svgEl('title', {}, 'these imported nodes became layer ' + gr.layer + '; click for its row'));
    g.addEventListener('click', function () { showLayer(gr.layer); });
    return g;
  }

  function stubBox(key, st) {
    var g = svgEl('g', { 'class': 'stub', transform: 'translate(' + st.x + ',' + st.y + ')' });
    g.appendChild(svgEl('rect', { width: st.w, height: st.h, rx: 8 }));
    g.appendChild(svgEl('text', { x: 7, y: 13 }, st.value));
    g.appendChild(svgEl('title', {}, (st.incoming ? 'written in stage ' : 'read in stage ')
      + graphs[key].stages[graphs[key].vertices[st.v].stage].title + '; click to go there'));
    g.addEventListener('click', function () { showVertex(key, st.v); });
    return g;
  }

  function chooseGraph(key) {
    document.getElementById('graph-after').hidden = key !== 'after';
    document.getElementById('graph-before').hidden = key !== 'before';
    document.querySelector('input[name=graph-choice][value=' + key + ']').checked = true;
  }

  function currentGraph() {
    return document.querySelector('input[name=graph-choice]:checked').value;
  }

  // Opens the vertex's stage, scrolls it into the middle of the view and marks it.
  function showVertex(key, v) {
    if (v === undefined || v === null) { return; }
    chooseGraph(key);
    var view = openStage(key, graphs[key].vertices[v].stage);
    var b = view.boxes[v];
    document.querySelectorAll('svg .n.hl').forEach(function (n) { n.classList.remove('hl'); });
    view.nodes[v].classList.add('hl');
    view.viewport.scrollIntoView({ block: 'center' });
    view.viewport.scrollLeft = (b.x + b.w / 2) * view.zoom - view.viewport.clientWidth / 2;
    view.viewport.scrollTop = (b.y + b.h / 2) * view.zoom - view.viewport.clientHeight / 2;
  }

  var search = { query: '', at: -1 };
  function searchGraph(next) {
    var q = document.getElementById('graph-search').value.trim().toLowerCase();
    var key = currentGraph();
    var vertices = graphs[key].vertices;
    var hits = [];
    if (q !== '') {
      vertices.forEach(function (v, i) {
        if ((v.name || '').toLowerCase().indexOf(q) >= 0 || v.lines[0].toLowerCase() === q) { hits.push(i); }
      });
    }
    search.at = next && q === search.query ? (search.at + 1) % Math.max(1, hits.length) : 0;
    search.query = q;
    var result = document.getElementById('graph-search-result');
    result.textContent = q === '' ? '' : hits.length === 0 ? 'no match' : (search.at + 1) + ' of ' + hits.length;
    if (hits.length > 0) { showVertex(key, hits[search.at]); }
  }

  function openAll() {
    ['after', 'before'].forEach(function (key) {
      graphs[key].stages.forEach(function (st, s) {
        renderStage(key, s);
        document.getElementById(key + '-stage-' + s).open = true;
      });
    });
  }

  // ---- the arena timeline ---------------------------------------------------

  function arenas() {
    var box = document.getElementById('arena');
    if (data.arenas.length === 0) {
      box.appendChild(el('p', { 'class': 'none' }, 'No activation arena: every value is an input, a constant or a view.'));
    }
    data.arenas.forEach(function (a) {
      var total = 0;
      a.values.forEach(function (v) { total += v.size; });
      box.appendChild(el('h3', {}, a.storage + ' arena: ' + bytes(a.elements * a.elementBytes) + ' for '
        + a.values.length + ' values taking ' + bytes(total * a.elementBytes) + ' in all, over ' + a.steps + ' steps'));
      var height = Math.max(1, a.elements);
      var svg = svgEl('svg', { 'class': 'arena-svg', viewBox: '0 0 ' + (a.steps + 1) + ' ' + height,
        preserveAspectRatio: 'none' });
      a.values.forEach(function (v) {
        var r = svgEl('rect', { 'class': 'v', x: v.first, y: v.offset, width: v.last - v.first + 1, height: v.size,
          fill: 'hsl(' + ((v.layer * 47) % 360) + ', 62%, 68%)', 'vector-effect': 'non-scaling-stroke' });
        r.appendChild(svgEl('title', {}, v.name + '\n' + thousands(v.size) + ' elements at offset ' + thousands(v.offset)
          + '\nwritten at step ' + v.first + ', last read at step ' + v.last + '\nlayer ' + v.layer + ' (click for its row)'));
        r.addEventListener('click', function () { showLayer(v.layer); });
        svg.appendChild(r);
      });
      box.appendChild(svg);
      var axis = el('div', { 'class': 'arena-axis' });
      axis.appendChild(el('span', {}, 'step 0 (offset 0 at the top)'));
      axis.appendChild(el('span', {}, 'step ' + a.steps + ' (bottom: ' + bytes(a.elements * a.elementBytes) + ')'));
      box.appendChild(axis);
    });
  }

  // ---- start ----------------------------------------------------------------

  header();
  totals();
  passes();
  data.after.vertices.forEach(function (v, i) {
    if (v.kind === 'node') { afterVertexOfLayer[v.layer] = i; }
  });
  layerTable();
  graphSection('after');
  graphSection('before');
  arenas();
  document.querySelectorAll('input[name=graph-choice]').forEach(function (r) {
    r.addEventListener('change', function () { chooseGraph(r.value); });
  });
  document.getElementById('graph-search').addEventListener('keydown', function (e) {
    if (e.key === 'Enter') { searchGraph(true); }
  });
  document.getElementById('graph-search').addEventListener('input', function () { searchGraph(false); });
  document.getElementById('layer-filter').addEventListener('input', filterLayers);
  document.getElementById('expand-all').addEventListener('click', openAll);
  // #open-all draws every stage of both graphs (the browser test uses it); #before-stage-3
  // (or #after-stage-3) links to one stage.
  var link = /^#(after|before)-stage-(\d+)$/.exec(location.hash);
  if (location.hash === '#open-all') {
    openAll();
  } else if (link && Number(link[2]) < graphs[link[1]].stages.length) {
    chooseGraph(link[1]);
    openStage(link[1], Number(link[2]));
    document.getElementById(link[1] + '-stage-' + link[2]).scrollIntoView();
  } else {
    openStage('after', 0);
  }
  var svgs = document.querySelectorAll('svg.stage-svg');
  document.body.dataset.status = 'rendered';
  document.body.dataset.renderMs = String(Math.round(performance.now() - started));
  document.body.dataset.stagesDrawn = String(svgs.length);
  document.body.dataset.nodesDrawn = String(document.querySelectorAll('svg.stage-svg g.n').length);
}());
