/**
 * The page's views, each drawn into its tab panel from a session held in the worker: the
 * Overview, the Children list with one child's journey, the Cohort, QI and Timescales views.
 * A view asks the session only for what it shows (one page of rows, one child).
 *
 * Spreadsheet text is only ever inserted with `textContent`.
 */

import {
  ageWords,
  daysWords,
  debounce,
  download,
  element,
  formatDate,
  formatNumber,
  numberFormat,
  plural,
  setUpSortHeaders,
  showError,
} from './ui.js';

const CHILD_PAGE = 50;

/** name → `render(container, context)`. */
export const views = {
  overview: renderOverview,
  children: renderChildren,
  cohort: renderCohort,
  qi: renderQi,
  timescales: renderTimescales,
};

// --- Overview ------------------------------------------------------------------------------

async function renderOverview(container, ctx) {
  const { summary } = ctx;
  const page = await ctx.session.children({ filters: ctx.filters, limit: 1 });
  const pictureHeading = element('h3', 'Every journey at a glance');
  pictureHeading.id = 'overview-picture-heading';
  const picture = chartFigure(ctx, {
    slot: 'overview-cohort',
    name: 'every-journey',
    spec: (width) => {
      const c = ctx.current();
      return {
        kind: 'cohort',
        width,
        sort: 'entry',
        row_height: Math.max(0.5, Math.min(6, 480 / Math.max(1, page.matched))),
        pseudonymise: c.pseudonymise,
        filters: c.filters,
      };
    },
  });
  container.replaceChildren(
    heading('Overview', 'overview-heading'),
    element('p', `As at ${formatDate(summary.as_at)}. ${filterWords(ctx, page)}`, 'as-at'),
    figures([
      ['Children', summary.children],
      ['Looked after now', summary.in_care],
      ['Care periods', summary.care_periods],
      ['Placements', summary.placements],
      ['Moves', summary.moves],
      ['Events', summary.events],
    ]),
    pictureHeading,
    element('p', 'One thin row per child, by date of entry: placements coloured by kind. The Cohort view shows the same rows larger, with names.'),
    picture.figure,
  );
  if (page.matched > 0) {
    await picture.draw();
  } else {
    picture.figure.hidden = true;
  }
}

function filterWords(ctx, page) {
  if (Object.keys(ctx.filters).length === 0) {
    return `Showing all ${plural(page.total, 'child', 'children')}.`;
  }
  return `Filters show ${plural(page.matched, 'child', 'children')} of ${numberFormat.format(page.total)}.`;
}

function figures(entries) {
  const list = element('dl', undefined, 'counts');
  for (const [label, value] of entries) {
    const item = element('div');
    item.append(element('dt', label), element('dd', formatNumber(value)));
    list.append(item);
  }
  return list;
}

// --- Children ------------------------------------------------------------------------------

const CHILD_COLUMNS = [
  ['child', 'Child'],
  ['age', 'Age'],
  ['placement', 'Placement now'],
  ['legal_status', 'Legal status now'],
  ['latest_entry', 'Became looked after'],
  ['days_in_care', 'Time in care'],
  ['moves', 'Moves'],
];

async function renderChildren(container, ctx) {
  const s = ctx.state.children;
  if (container.dataset.built !== 'yes') {
    buildChildren(container, ctx);
  }
  container.querySelector('#children-search').value = s.search;
  await refreshChildren(container, ctx, false);
  if (s.selected !== null) {
    await showChild(container, ctx, s.selected);
  } else {
    container.querySelector('#child-detail').hidden = true;
  }
}

function buildChildren(container, ctx) {
  const s = ctx.state.children;
  container.dataset.built = 'yes';
  const search = element('input');
  search.type = 'search';
  search.id = 'children-search';
  search.autocomplete = 'off';
  const searchLabel = element('label', 'Search ');
  searchLabel.append(search);
  const csv = element('button', 'Download as CSV', 'secondary');
  csv.type = 'button';
  csv.id = 'children-csv';
  const tools = element('div', undefined, 'table-tools');
  tools.append(searchLabel, csv);

  const table = element('table');
  table.id = 'children-table';
  const head = element('tr');
  for (const [key, label] of CHILD_COLUMNS) {
    const th = element('th');
    th.scope = 'col';
    th.setAttribute('aria-sort', 'none');
    const button = element('button', label);
    button.type = 'button';
    button.dataset.sort = key;
    th.append(button);
    head.append(th);
  }
  table.append(element('thead'), element('tbody'));
  table.tHead.append(head);
  const scroll = element('div', undefined, 'table-scroll');
  scroll.tabIndex = 0;
  scroll.setAttribute('role', 'region');
  scroll.setAttribute('aria-labelledby', 'children-heading');
  scroll.append(table);
  const more = element('button', 'Show more', 'secondary');
  more.type = 'button';
  more.id = 'children-more';
  const foot = element('p', undefined, 'table-foot');
  const shown = element('span');
  shown.id = 'children-shown';
  foot.append(shown, more);
  const detail = element('section', undefined, 'child-detail');
  detail.id = 'child-detail';
  detail.hidden = true;
  detail.setAttribute('aria-labelledby', 'child-heading');
  container.replaceChildren(heading('Children', 'children-heading'), tools, scroll, foot, detail);

  search.addEventListener('input', debounce(() => {
    s.search = search.value;
    refreshChildren(container, ctx.current(), false);
  }));
  setUpSortHeaders(table, s, () => refreshChildren(container, ctx.current(), false));
  more.addEventListener('click', () => refreshChildren(container, ctx.current(), true));
  csv.addEventListener('click', async () => {
    const c = ctx.current();
    const text = await c.session.childrenCsv(childQuery(c));
    download(text, 'driftline-children.csv', 'text/csv');
  });
  table.tBodies[0].addEventListener('click', (event) => {
    const button = event.target.closest('button[data-child]');
    if (button !== null) {
      s.selected = Number(button.dataset.child);
      showChild(container, ctx.current(), s.selected, true);
    }
  });
}

function childQuery(ctx, offset = 0) {
  const s = ctx.state.children;
  return {
    search: s.search,
    sort: s.sort === 'child' && ctx.pseudonymise ? 'pseudonym' : s.sort,
    descending: s.descending,
    offset,
    limit: CHILD_PAGE,
    filters: ctx.filters,
    pseudonymise: ctx.pseudonymise,
  };
}

async function refreshChildren(container, ctx, more) {
  const s = ctx.state.children;
  const body = container.querySelector('#children-table tbody');
  const offset = more ? s.shown : 0;
  const page = await ctx.session.children(childQuery(ctx, offset));
  const rows = page.rows.map((r) => childRow(r, s.selected));
  if (more) {
    body.append(...rows);
  } else {
    body.replaceChildren(...rows);
  }
  s.shown = offset + page.rows.length;
  container.querySelector('#children-shown').textContent =
    page.matched === page.total
      ? `Showing ${numberFormat.format(s.shown)} of ${plural(page.total, 'child', 'children')}.`
      : `Showing ${numberFormat.format(s.shown)} of ${numberFormat.format(page.matched)} matching (${numberFormat.format(page.total)} in all).`;
  container.querySelector('#children-more').hidden = s.shown >= page.matched;
}

function childRow(r, selected) {
  const tr = element('tr');
  if (r.index === selected) {
    tr.className = 'is-selected';
  }
  const first = element('th');
  first.scope = 'row';
  const open = element('button', r.child, 'link');
  open.type = 'button';
  open.dataset.child = String(r.index);
  first.append(open);
  tr.append(
    first,
    element('td', ageWords(r.age_months)),
    element('td', r.in_care ? r.placement_label ?? 'Not known' : 'Not looked after'),
    element('td', r.in_care ? r.legal_status_label ?? 'Not known' : ''),
    element('td', formatDate(r.latest_entry, 'short')),
    element('td', daysWords(r.days_in_care), 'number'),
    element('td', formatNumber(r.moves), 'number'),
  );
  return tr;
}

async function showChild(container, ctx, index, focus = false) {
  const detail = container.querySelector('#child-detail');
  let child;
  try {
    child = await ctx.session.child(index, ctx.pseudonymise);
  } catch (error) {
    showError(error);
    return;
  }
  for (const tr of container.querySelectorAll('#children-table tbody tr')) {
    tr.classList.toggle('is-selected', tr.querySelector('[data-child]')?.dataset.child === String(index));
  }
  const r = child.row;
  const title = element('h3', r.child);
  title.id = 'child-heading';
  title.tabIndex = -1;
  const facts = [
    ['Age', ageWords(r.age_months)],
    ctx.pseudonymise ? null : ['Date of birth', r.date_of_birth === null ? 'Not known' : formatDate(r.date_of_birth)],
    ['Sex', r.sex ?? 'Not recorded'],
    ['Placement now', r.in_care ? `${r.placement_label ?? 'Not known'}${r.placement_type ? ` (${r.placement_type})` : ''}` : 'Not looked after'],
    ['Legal status now', r.in_care ? r.legal_label ?? 'Not known' : ''],
    ['Care periods', formatNumber(r.care_periods)],
    ['Moves', formatNumber(r.moves)],
    ['Time in care', daysWords(r.days_in_care)],
  ].filter((f) => f !== null);
  const list = element('dl', undefined, 'facts');
  for (const [label, value] of facts) {
    const item = element('div');
    item.append(element('dt', label), element('dd', value));
    list.append(item);
  }

  const actions = element('p', undefined, 'actions');
  const csv = element('button', 'Download the chronology as CSV', 'secondary');
  csv.type = 'button';
  csv.id = 'chronology-csv';
  csv.addEventListener('click', async () => {
    const text = await ctx.session.chronologyCsv(index, ctx.pseudonymise);
    download(text, `driftline-chronology-${safeName(r.child)}.csv`, 'text/csv');
  });
  const print = element('button', 'Print timeline and chronology', 'secondary');
  print.type = 'button';
  print.id = 'print-child';
  print.addEventListener('click', () => printChild());
  const close = element('button', 'Close', 'link');
  close.type = 'button';
  close.addEventListener('click', () => {
    ctx.state.children.selected = null;
    detail.hidden = true;
    container.querySelector(`[data-child="${index}"]`)?.focus();
  });
  actions.append(csv, print, close);

  const chronologyHeading = element('h4', 'Chronology');
  chronologyHeading.id = 'chronology-heading';
  const chronology = dataTable(
    'chronology-table',
    ['Date', 'Age', 'Event', 'Detail', 'Source'],
    child.chronology.map((e) => [
      formatDate(e.date, 'short'),
      e.age ?? '',
      e.key ? `${e.event} (key decision)` : e.event,
      e.detail ?? '',
      e.source === null ? '' : sourceWords(e.source),
    ]),
    'chronology-heading',
  );

  const placementsHeading = element('h4', 'Placements');
  placementsHeading.id = 'placements-heading';
  const placements = dataTable(
    'placements-table',
    ['From', 'To', 'Placement', 'As written', 'Carer', 'Move'],
    child.care_periods.flatMap((p) =>
      p.placements.map((pl) => [
        formatDate(pl.start, 'short'),
        pl.end === null ? 'Ongoing' : formatDate(pl.end, 'short'),
        pl.category_label,
        pl.placement_type,
        pl.carer ?? '',
        pl.move_number === null ? '' : String(pl.move_number),
      ]),
    ),
    'placements-heading',
  );
  const legalHeading = element('h4', 'Legal status');
  legalHeading.id = 'legal-heading';
  const legal = dataTable(
    'legal-table',
    ['From', 'To', 'Legal status', 'As written'],
    child.legal.map((l) => [
      formatDate(l.start, 'short'),
      l.end === null ? 'Ongoing' : formatDate(l.end, 'short'),
      l.category_label,
      l.legal_status,
    ]),
    'legal-heading',
  );
  const timelineHeading = element('h4', 'Timeline');
  timelineHeading.id = 'timeline-heading';
  const timeline = chartFigure(ctx, {
    slot: 'timeline',
    name: `timeline-${safeName(r.child)}`,
    spec: (width) => ({ kind: 'timeline', child: index, width, pseudonymise: ctx.current().pseudonymise }),
    onHit: (hit) => {
      if (hit.text_row !== null && hit.text_row !== undefined) {
        const row = detail.querySelectorAll('#chronology-table tbody tr')[hit.text_row];
        if (row !== undefined) {
          for (const other of detail.querySelectorAll('#chronology-table tr.is-selected')) {
            other.classList.remove('is-selected');
          }
          row.classList.add('is-selected');
          row.scrollIntoView({ block: 'nearest' });
        }
      }
    },
  });
  detail.replaceChildren(
    title,
    list,
    actions,
    timelineHeading,
    timeline.figure,
    chronologyHeading,
    chronology,
    placementsHeading,
    placements,
    legalHeading,
    legal,
  );
  detail.hidden = false;
  detail.dataset.child = String(index);
  if (focus) {
    title.focus();
  }
  await timeline.draw();
}

function printChild() {
  document.body.classList.add('print-child');
  const done = () => {
    document.body.classList.remove('print-child');
    window.removeEventListener('afterprint', done);
  };
  window.addEventListener('afterprint', done);
  window.print();
}

// --- Charts ---------------------------------------------------------------------------------

/**
 * A chart drawn by the worker: the canvas (with its title and description as its text
 * alternative), PNG and SVG downloads, tooltips from hit tests, and a redraw when its width
 * changes. `spec(width)` gives the chart's spec for a width; `onHit(hit)` is called on a click.
 */
function chartFigure(ctx, { slot, name, spec, onHit, onDrawn }) {
  const figure = element('figure', undefined, 'chart');
  figure.dataset.slot = slot;
  const canvas = element('canvas');
  canvas.setAttribute('role', 'img');
  canvas.tabIndex = 0;
  const description = element('p', undefined, 'visually-hidden');
  description.id = `${slot}-description`;
  canvas.setAttribute('aria-describedby', description.id);
  const tools = element('div', undefined, 'chart-tools');
  const png = element('button', 'Download PNG', 'secondary');
  png.type = 'button';
  png.dataset.export = 'png';
  const svg = element('button', 'Download SVG', 'secondary');
  svg.type = 'button';
  svg.dataset.export = 'svg';
  tools.append(png, svg);
  figure.append(tools, canvas, description);

  let lastWidth = 0;
  const draw = async () => {
    const width = Math.max(320, Math.floor(figure.clientWidth || figure.parentElement?.clientWidth || 960));
    lastWidth = width;
    const session = ctx.current().session;
    const info = await session.draw(canvas, { slot, ...spec(width) });
    canvas.setAttribute('aria-label', info.title);
    description.textContent = info.description;
    figure.dataset.drawn = 'yes';
    onDrawn?.(info);
    return info;
  };
  png.addEventListener('click', async () => {
    const blob = await ctx.current().session.png(slot, 3);
    download(blob, `driftline-${name}.png`, 'image/png');
  });
  svg.addEventListener('click', async () => {
    const text = await ctx.current().session.svg(slot);
    download(text, `driftline-${name}.svg`, 'image/svg+xml');
  });

  const tooltip = document.getElementById('tooltip');
  let pending = false;
  const at = (event) => {
    const box = canvas.getBoundingClientRect();
    const scale = box.width / (parseFloat(canvas.style.width) || box.width);
    return [(event.clientX - box.left) / scale, (event.clientY - box.top) / scale];
  };
  canvas.addEventListener('pointermove', async (event) => {
    if (pending) {
      return;
    }
    pending = true;
    const [x, y] = at(event);
    try {
      const hit = await ctx.current().session.hitTest(slot, x, y);
      if (hit === null) {
        tooltip.hidden = true;
        canvas.style.cursor = '';
      } else {
        tooltip.textContent = hit.label;
        tooltip.style.left = `${Math.min(event.clientX + 14, window.innerWidth - 300)}px`;
        tooltip.style.top = `${event.clientY + 14}px`;
        tooltip.hidden = false;
        canvas.style.cursor = onHit ? 'pointer' : '';
      }
    } catch {
      tooltip.hidden = true;
    } finally {
      pending = false;
    }
  });
  canvas.addEventListener('pointerleave', () => {
    tooltip.hidden = true;
  });
  if (onHit) {
    canvas.addEventListener('click', async (event) => {
      const [x, y] = at(event);
      const hit = await ctx.current().session.hitTest(slot, x, y);
      if (hit !== null) {
        onHit(hit);
      }
    });
  }
  if (typeof ResizeObserver !== 'undefined') {
    const redraw = debounce(() => {
      if (figure.isConnected && Math.abs(figure.clientWidth - lastWidth) > 16) {
        draw().catch(() => {});
      }
    }, 150);
    new ResizeObserver(redraw).observe(figure);
  }
  return { figure, draw, canvas };
}

// --- Cohort, QI, Timescales ----------------------------------------------------------------

const COHORT_ROWS = 40;

async function renderCohort(container, ctx) {
  const s = (ctx.state.cohort ??= { sort: 'entry', first: 0, dense: false });
  const intro = element(
    'p',
    'One row per child: placements as coloured bars, care periods from entry to the "as at" date. ' +
      'Click a row to open that child.',
  );
  const sortSelect = element('select');
  sortSelect.id = 'cohort-sort';
  for (const [value, label] of [['entry', 'Date of entry'], ['wait', 'Longest current wait']]) {
    const option = element('option', label);
    option.value = value;
    sortSelect.append(option);
  }
  sortSelect.value = s.sort;
  const sortLabel = element('label', 'Sort by ');
  sortLabel.append(sortSelect);
  const dense = element('input');
  dense.type = 'checkbox';
  dense.id = 'cohort-dense';
  dense.checked = s.dense;
  const denseLabel = element('label');
  denseLabel.append(dense, ' Every child in one picture');
  const earlier = element('button', 'Earlier rows', 'secondary');
  earlier.type = 'button';
  earlier.id = 'cohort-earlier';
  const later = element('button', 'Later rows', 'secondary');
  later.type = 'button';
  later.id = 'cohort-later';
  const position = element('span');
  position.id = 'cohort-position';
  const tools = element('div', undefined, 'table-tools');
  tools.append(sortLabel, denseLabel, earlier, later, position);
  let total = 0;
  const chart = chartFigure(ctx, {
    slot: 'cohort',
    name: 'cohort',
    spec: (width) => {
      const c = ctx.current();
      return {
        kind: 'cohort',
        width,
        sort: s.sort,
        first_row: s.dense ? 0 : s.first,
        rows: s.dense ? null : COHORT_ROWS,
        row_height: s.dense ? Math.max(0.5, Math.min(14, 640 / Math.max(1, c.summary.children))) : 14,
        pseudonymise: c.pseudonymise,
        filters: c.filters,
      };
    },
    onDrawn: (info) => {
      total = info.total_rows;
      const last = info.first_row + info.shown_rows;
      position.textContent =
        total === 0
          ? 'No child matches the filters.'
          : `Rows ${numberFormat.format(info.first_row + 1)} to ${numberFormat.format(last)} of ${numberFormat.format(total)}.`;
      earlier.disabled = s.dense || info.first_row === 0;
      later.disabled = s.dense || last >= total;
      chart.figure.dataset.children = info.children.join(',');
    },
    onHit: (hit) => {
      if (hit.target.kind === 'cohort_row') {
        const children = chart.figure.dataset.children.split(',').map(Number);
        const index = children[hit.target.row - (s.dense ? 0 : s.first)] ?? children[hit.target.row];
        if (index !== undefined) {
          ctx.openChild(index);
        }
      }
    },
  });
  sortSelect.addEventListener('change', () => {
    s.sort = sortSelect.value;
    s.first = 0;
    chart.draw();
  });
  dense.addEventListener('change', () => {
    s.dense = dense.checked;
    chart.draw();
  });
  earlier.addEventListener('click', () => {
    s.first = Math.max(0, s.first - COHORT_ROWS);
    chart.draw();
  });
  later.addEventListener('click', () => {
    s.first = Math.min(Math.max(0, total - 1), s.first + COHORT_ROWS);
    chart.draw();
  });
  container.replaceChildren(heading('Cohort', 'cohort-heading'), intro, tools, chart.figure);
  await chart.draw();
}

async function renderQi(container, ctx) {
  container.replaceChildren(
    heading('QI', 'qi-heading'),
    element(
      'p',
      'Run and XmR charts of the days each child spent in each stage need the stage ' +
        'statistics, which this build of Driftline does not compute yet.',
    ),
  );
}

async function renderTimescales(container, ctx) {
  container.replaceChildren(
    heading('Timescales', 'timescales-heading'),
    element(
      'p',
      'The stages and their targets (Scotland or England) need the stage statistics, which ' +
        'this build of Driftline does not compute yet.',
    ),
  );
}

// --- Helpers -------------------------------------------------------------------------------

function heading(text, id) {
  const h = element('h2', text);
  h.id = id;
  return h;
}

/** A scrollable table of text cells. */
export function dataTable(id, columns, rows, labelledBy) {
  const table = element('table');
  table.id = id;
  const head = element('tr');
  for (const column of columns) {
    const th = element('th', column);
    th.scope = 'col';
    head.append(th);
  }
  table.append(element('thead'), element('tbody'));
  table.tHead.append(head);
  for (const cells of rows) {
    const tr = element('tr');
    for (const cell of cells) {
      tr.append(element('td', cell));
    }
    table.tBodies[0].append(tr);
  }
  const scroll = element('div', undefined, 'table-scroll');
  scroll.tabIndex = 0;
  scroll.setAttribute('role', 'region');
  scroll.setAttribute('aria-labelledby', labelledBy);
  scroll.append(table);
  return scroll;
}

function sourceWords(source) {
  return source.sheet === null
    ? `${source.file}, row ${source.row}`
    : `${source.file}, ${source.sheet}, row ${source.row}`;
}

function safeName(text) {
  return text.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 40) || 'child';
}
