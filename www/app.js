/**
 * The Driftline page: loading files (drop zone, file picker, demo data) and the load summary.
 *
 * Every piece of text that comes from a spreadsheet is inserted with `textContent` on elements
 * made by `createElement`, never as HTML. The page reads the clock only to pass today's date
 * as the "as at" date.
 */

import { analyze, preload, todayIso } from './driftline.js';

const DEMO_FILES = ['children.csv', 'placements.csv', 'legal.csv', 'events.csv'];

const FIELD_NAMES = {
  placement_type: 'Placement type',
  legal_status: 'Legal status',
  event: 'Event',
};

const byId = (id) => document.getElementById(id);
const dropZone = byId('drop-zone');
const fileInput = byId('file-input');
const chooseButton = byId('choose-button');
const demoButton = byId('demo-button');
const status = byId('status');
const summary = byId('summary');
const problems = byId('problems');

const numberFormat = new Intl.NumberFormat('en-GB');
const dateFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/* demo:begin (tools/dist.mjs replaces this function in the single-file build) */
async function demoFiles() {
  return Promise.all(
    DEMO_FILES.map(async (name) => {
      const response = await fetch(`demo/${name}`);
      if (!response.ok) {
        throw new Error(`The demo file ${name} could not be loaded (${response.status}).`);
      }
      return new File([await response.arrayBuffer()], name, { type: 'text/csv' });
    }),
  );
}
/* demo:end */

setUp();

function setUp() {
  chooseButton.addEventListener('click', () => fileInput.click());
  fileInput.addEventListener('change', () => {
    const files = [...fileInput.files];
    fileInput.value = '';
    if (files.length > 0) {
      load(files);
    }
  });
  demoButton.addEventListener('click', async () => {
    setBusy(true, 'Loading the demo data…');
    try {
      await load(await demoFiles());
    } catch (error) {
      showError(error);
      setBusy(false);
    }
  });

  // A file dropped anywhere on the page must not make the browser navigate away to it.
  for (const type of ['dragover', 'drop']) {
    window.addEventListener(type, (event) => event.preventDefault());
  }
  dropZone.addEventListener('dragenter', () => dropZone.classList.add('is-over'));
  dropZone.addEventListener('dragover', (event) => {
    event.preventDefault();
    dropZone.classList.add('is-over');
  });
  dropZone.addEventListener('dragleave', (event) => {
    if (!dropZone.contains(event.relatedTarget)) {
      dropZone.classList.remove('is-over');
    }
  });
  dropZone.addEventListener('drop', (event) => {
    event.preventDefault();
    dropZone.classList.remove('is-over');
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length > 0) {
      load(files);
    }
  });

  preload().then(
    () => {
      document.body.dataset.engine = 'ready';
      setStatus('Ready. Your files will be read on this computer only.');
    },
    (error) => {
      document.body.dataset.engine = 'failed';
      showError(error);
    },
  );
}

async function load(files) {
  const names = files.map((file) => file.name);
  setBusy(true, `Reading ${plural(files.length, 'file')}…`);
  try {
    const report = await analyze(files, { asAt: todayIso() });
    showReport(report);
    setStatus(
      `Read ${plural(names.length, 'file')}: ${plural(report.children, 'child', 'children')}, ` +
        `${plural(report.input.rows_rejected, 'row')} not used.`,
      'is-done',
    );
  } catch (error) {
    summary.hidden = true;
    const diagnostics = error.diagnostics ?? [];
    if (diagnostics.length > 0) {
      showProblems(diagnostics);
      setStatus('Nothing usable could be read from these files. The problems are listed below.', 'is-error');
    } else {
      problems.hidden = true;
      showError(error);
    }
  } finally {
    setBusy(false);
  }
}

function showReport(report) {
  const input = report.input;
  byId('as-at').textContent = `As at ${formatDate(report.as_at)}.`;
  const counts = {
    files: input.files.length,
    tables: input.tables.length,
    rows_read: input.rows_read,
    rows_used: input.rows_used,
    rows_rejected: input.rows_rejected,
    children: report.children,
    care_periods: report.care_periods,
  };
  for (const [key, value] of Object.entries(counts)) {
    summary.querySelector(`[data-count="${key}"]`).textContent = numberFormat.format(value);
  }

  const list = byId('file-list');
  list.replaceChildren(
    ...input.files.map((file) => {
      const item = element('li', `${file.name}: ${describeFormat(file)}`);
      const sheets = element('ul');
      for (const sheet of file.sheets) {
        sheets.append(element('li', describeSheet(sheet, input.tables)));
      }
      if (file.sheets.length > 0) {
        item.append(sheets);
      }
      return item;
    }),
  );
  const unknown = input.unknown_labels;
  byId('unknown-labels').replaceChildren(
    ...unknown.map((label) =>
      element(
        'li',
        `${FIELD_NAMES[label.field] ?? label.field}: "${label.label}" ` +
          `(${plural(label.count, 'row')})`,
      ),
    ),
  );
  byId('unknown').hidden = unknown.length === 0;
  summary.hidden = false;
  showProblems(input.diagnostics);
}

function showProblems(diagnostics) {
  const body = byId('problem-table').tBodies[0];
  body.replaceChildren(
    ...diagnostics.map((d) => {
      const row = element('tr');
      row.dataset.severity = d.severity ?? '';
      row.append(
        element('td', d.file ?? ''),
        element('td', d.sheet ?? ''),
        element('td', d.row == null ? '' : numberFormat.format(d.row), 'number'),
        element('td', d.column ?? ''),
        element('td', d.message),
      );
      return row;
    }),
  );
  byId('problems-intro').textContent =
    diagnostics.length === 0
      ? 'No problems found.'
      : `${plural(diagnostics.length, 'problem')} found. A row with a problem in a required ` +
        'column is not used; other problems are listed so that you can check them.';
  problems.hidden = false;
}

function describeFormat(file) {
  const parts = [file.format.toUpperCase()];
  if (file.encoding) {
    parts.push(file.encoding);
  }
  if (file.delimiter) {
    parts.push(`separated by ${file.delimiter === '\t' ? 'tabs' : `"${file.delimiter}"`}`);
  }
  return parts.join(', ');
}

function describeSheet(sheet, tables) {
  const name = sheet.name === null ? '' : `Sheet "${sheet.name}"${sheet.hidden ? ' (hidden)' : ''}: `;
  const table = sheet.table === null ? undefined : tables[sheet.table];
  if (table === undefined) {
    return `${name}not recognised as a table.`;
  }
  const kind = `${table.kind} table`;
  return (
    `${name}${name === '' ? kind.charAt(0).toUpperCase() + kind.slice(1) : kind}, ` +
    `header on row ${table.header_row}: ${plural(table.rows_read, 'row')} read, ` +
    `${numberFormat.format(table.rows_used)} used, ` +
    `${numberFormat.format(table.rows_rejected)} rejected.`
  );
}

function showError(error) {
  setStatus(error?.message ?? String(error), 'is-error');
}

function setBusy(busy, message) {
  chooseButton.disabled = busy;
  demoButton.disabled = busy;
  document.body.setAttribute('aria-busy', String(busy));
  if (message !== undefined) {
    setStatus(message);
  }
}

function setStatus(text, kind = '') {
  status.textContent = text;
  status.className = `status ${kind}`.trim();
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) {
    node.textContent = text;
  }
  if (className !== undefined) {
    node.className = className;
  }
  return node;
}

function plural(count, one, many = `${one}s`) {
  return `${numberFormat.format(count)} ${count === 1 ? one : many}`;
}

function formatDate(iso) {
  const [year, month, day] = iso.split('-').map(Number);
  return dateFormat.format(new Date(Date.UTC(year, month - 1, day)));
}
