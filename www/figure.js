/**
 * Building blocks the views share: a chart drawn by the worker (canvas, text alternative,
 * PNG and SVG downloads, tooltips, redraw on resize), a scrollable table of text cells, and
 * small helpers for headings and file names.
 *
 * Spreadsheet text is only ever inserted with `textContent`.
 */

import { debounce, download, element } from './ui.js';

// --- Charts ---------------------------------------------------------------------------------

/**
 * A chart drawn by the worker: the canvas (with its title and description as its text
 * alternative), PNG and SVG downloads (and its notes as text, when it has notes), tooltips
 * from hit tests, and a redraw when its width changes. `spec(width)` gives the chart's spec
 * for a width; `onHit(hit)` is called on a click; `onDrawn(info)` after each drawing; `tools`
 * are more buttons beside the downloads.
 */
export function chartFigure(ctx, { slot, name, spec, onHit, onDrawn, tools: extraTools = [] }) {
  const figure = element('figure', undefined, 'chart');
  figure.dataset.slot = slot;
  const canvas = element('canvas');
  canvas.setAttribute('role', 'img');
  // An image needs a name even before the worker has drawn it; the chart's title replaces
  // this as soon as it is.
  canvas.setAttribute('aria-label', 'Chart being drawn');
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
  // The chart's notes (what its numbers leave unsaid), as the command line writes them beside
  // the CSV: offered (in the tools) only while the drawn chart's table has notes.
  const notes = element('button', 'Download the notes (.txt)', 'secondary');
  notes.type = 'button';
  notes.dataset.export = 'notes';
  tools.append(png, svg, ...extraTools);
  figure.append(tools, canvas, description);

  let lastWidth = 0;
  // "drawn" is "yes" only while the canvas shows the latest drawing asked for: a redraw (a
  // new width, filter or setting) sets it to "no" until that drawing is done.
  let drawing = 0;
  const draw = async () => {
    const width = Math.max(320, Math.floor(figure.clientWidth || figure.parentElement?.clientWidth || 960));
    lastWidth = width;
    drawing += 1;
    const mine = drawing;
    figure.dataset.drawn = 'no';
    const session = ctx.current().session;
    let info;
    try {
      info = await session.draw(canvas, { slot, ...spec(width) });
    } catch (error) {
      if (mine === drawing) {
        figure.dataset.drawn = 'failed';
      }
      throw error;
    }
    canvas.setAttribute('aria-label', info.title);
    description.textContent = info.description;
    if (info.table?.notes?.length > 0) {
      tools.append(notes);
    } else {
      notes.remove();
    }
    onDrawn?.(info);
    if (mine === drawing) {
      figure.dataset.drawn = 'yes';
    }
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
  notes.addEventListener('click', async () => {
    const text = await ctx.current().session.chartNotes(slot);
    download(text, `driftline-${name}.notes.txt`, 'text/plain');
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

// --- Helpers -------------------------------------------------------------------------------

export function heading(text, id) {
  const h = element('h2', text);
  h.id = id;
  return h;
}

/**
 * A cell shown as `text` whose CSV export (see `shownTableCsvButton`) holds `value` instead:
 * the raw number or ISO date behind a formatted one ("1,234", "12 Mar 2024"), or '' for a
 * value that is not there (shown as a dash or a word such as "Ongoing").
 */
export function rawCell(text, value) {
  return { text, value: value === null || value === undefined ? '' : String(value) };
}

/**
 * A scrollable table of text cells. A cell is its text, or `rawCell(text, value)`: shown as
 * its text, exported as its value (kept in the cell's `data-value`).
 */
export function dataTable(id, columns, rows, labelledBy, empty = null) {
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
      if (cell !== null && typeof cell === 'object') {
        const td = element('td', cell.text);
        td.dataset.value = cell.value;
        tr.append(td);
      } else {
        tr.append(element('td', cell));
      }
    }
    table.tBodies[0].append(tr);
  }
  // An empty table says so in a row of its own (not a row of data: exports leave it out).
  if (rows.length === 0 && empty !== null) {
    const tr = element('tr', undefined, 'empty-row');
    const td = element('td', empty);
    td.colSpan = columns.length;
    tr.append(td);
    table.tBodies[0].append(tr);
  }
  const scroll = element('div', undefined, 'table-scroll');
  scroll.tabIndex = 0;
  scroll.setAttribute('role', 'region');
  scroll.setAttribute('aria-labelledby', labelledBy);
  scroll.append(table);
  return scroll;
}

/**
 * A button that downloads a table as shown (its header and every row) as CSV, written by the
 * core's one CSV writer (numbers as numbers, cells made inert for spreadsheets). Each cell is
 * its raw value where it keeps one (`rawCell`: numbers unformatted, dates ISO), else its text.
 */
export function shownTableCsvButton(ctx, id, scroll, fileName, label = 'Download as CSV') {
  const button = element('button', label, 'secondary');
  button.type = 'button';
  button.id = id;
  button.addEventListener('click', async () => {
    const table = scroll.querySelector('table');
    const rows = [...table.rows]
      .filter((row) => !row.classList.contains('empty-row'))
      .map((row) => [...row.cells].map((cell) => cell.dataset.value ?? cell.textContent));
    download(await ctx.current().session.tableCsv(rows), fileName, 'text/csv');
  });
  return button;
}

export function safeName(text) {
  return text.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 40) || 'child';
}
