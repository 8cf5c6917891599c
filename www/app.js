/**
 * The Driftline page: loading files (drop zone, file picker, demo data) with progress and
 * Cancel, the mapping step, the load summary and problem table, and the views (Overview,
 * Children, Cohort, QI, Timescales) over a session held in a Web Worker.
 *
 * Every piece of text that comes from a spreadsheet is inserted with `textContent` on elements
 * made by `createElement`, never as HTML. Nothing is written to the console, to storage or to
 * the network. The page never reads the clock: driftline.js passes today's date so that the
 * core can cap the "as at" date it takes from the files.
 */

import { open, preload, preview, vocabulary } from './driftline.js';
import {
  download,
  revokeDownloads,
  element,
  formatDate,
  labelled,
  numberFormat,
  plural,
  select,
  setStatus,
  setUpSortHeaders,
  showError,
  debounce,
  formatBytes,
  describeFormat,
  describeSheet,
} from './ui.js';
import { views } from './views.js';

const DEMO_FILES = ['children.csv', 'placements.csv', 'legal.csv', 'events.csv'];
const PAGE_SIZE = 50;

/** The core's words (fields, categories, milestones …), fetched once; see `vocabulary()`. */
let pageWords = null;

/** A table kind in words ("Events", "SSDA903 Episodes"), as the core names it. */
const tableLabel = (kind) => pageWords?.table_labels.find(([id]) => id === kind)?.[1] ?? kind;

/** The label of a field, as the core names it. */
const fieldLabel = (field) => pageWords?.fields.find(([id]) => id === field)?.[1] ?? field;

const byId = (id) => document.getElementById(id);
const dropZone = byId('drop-zone');
const fileInput = byId('file-input');
const chooseButton = byId('choose-button');
const demoButton = byId('demo-button');
const summarySection = byId('summary');
const problemsSection = byId('problems');
const results = byId('results');

/** Everything the page knows about the current load. */
const state = {
  session: null,
  files: null,
  mapping: null,
  /** The timescale profile: null (Scotland's), a built-in name or a profile object. */
  profile: null,
  summary: null,
  view: 'read',
  pseudonymise: false,
  /** Whether the user chose the "as at" date (otherwise the files give it). */
  asAtChosen: false,
  /** How many times reading again was asked for: only the latest is shown (see `rerun`). */
  reruns: 0,
  /** The "for sharing" mode: null (off) or `{ round }`. */
  sharing: null,
  filters: {},
  loading: null,
  problems: { search: '', severity: '', sort: '', descending: false, shown: 0 },
  children: { search: '', sort: '', descending: false, shown: 0, selected: null },
};

/* demo:begin (.ci/dist.mjs replaces this function in the single-file build) */
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
      loadNew(files);
    }
  });
  demoButton.addEventListener('click', async () => {
    setStatus('Loading the demo data…');
    try {
      const files = await demoFiles();
      byId('as-at-input').value = '';
      state.demoDate = true;
      state.asAtChosen = true;
      await load(files, { asAt: '2024-03-31' });
    } catch (error) {
      showError(error);
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
      loadNew(files);
    }
  });

  byId('cancel-button').addEventListener('click', () => state.loading?.abort());
  byId('clear-button').addEventListener('click', clearAll);
  byId('as-at-input').addEventListener('change', () => {
    const value = byId('as-at-input').value;
    // A date: as at that date. Cleared: back to the date the files give (the field shows it
    // again once read), so the field and the page never disagree.
    if (state.session !== null && (value === '' || /^\d{4}-\d{2}-\d{2}$/.test(value))) {
      state.demoDate = false;
      state.asAtChosen = value !== '';
      rerun({ asAt: value || null });
    }
  });
  byId('pseudonymise').addEventListener('change', () => {
    state.pseudonymise = byId('pseudonymise').checked;
    document.body.classList.toggle('is-pseudonymised', state.pseudonymise);
    if (state.summary !== null) {
      showSummary(state.summary);
      // Pseudonymised, teams and authorities are offered by neutral names ("Team A"); a team
      // or authority chosen stays chosen, under its other name.
      renameChosen(state.summary.neutral_names, state.pseudonymise);
      fillFilters(shownFacets(state.summary));
    }
    refreshView();
    refreshProblems();
    // The mapping step, if open, shows the files again with or without the IDs.
    if (!byId('mapping').hidden) {
      showMapping({ scroll: false });
    }
  });
  const setSharing = () => {
    const on = byId('for-sharing').checked;
    state.sharing = on ? { round: byId('sharing-round').checked } : null;
    byId('sharing-round-label').hidden = !on;
    document.body.classList.toggle('is-for-sharing', on);
    refreshView();
  };
  byId('for-sharing').addEventListener('change', setSharing);
  byId('sharing-round').addEventListener('change', setSharing);
  byId('controls').addEventListener('submit', (event) => event.preventDefault());
  setUpTabs();
  setUpFilters();
  setUpProblems();
  setUpMapping();

  preload().then(
    () => {
      performance.mark('driftline-ready');
      document.body.dataset.engine = 'ready';
      setStatus('Ready. Your files will be read on this computer only.');
    },
    (error) => {
      document.body.dataset.engine = 'failed';
      showError(error);
    },
  );
}

// --- Loading ------------------------------------------------------------------------------

/** The options of the current load: the "as at" date, the mapping and the profile. */
function loadOptions(extra = {}) {
  // Unless the user chose a date, none: the core takes the latest date in the files, up to
  // today (passed by driftline.js), so reading again (a new mapping) finds it again too.
  const asAt = state.asAtChosen ? byId('as-at-input').value || null : null;
  return { asAt, mapping: state.mapping, profile: state.profile ?? null, limits: pageLimits(), ...extra };
}

/** The "as at" date in the field and, beside it, where it came from. */
function showAsAt(summary) {
  byId('as-at-input').value = summary.as_at;
  const date = formatDate(summary.as_at);
  byId('as-at-note').textContent =
    summary.as_at_basis === 'given'
      ? `As at ${date}, ${state.demoDate ? 'the date the demo data was made for' : 'the date chosen'}. Clear the date to use the latest date in your files.`
      : summary.as_at_basis === 'today'
        ? `As at ${date}, ${summary.as_at_words}.`
        : `As at ${date}, ${summary.as_at_words}; change it if your extract is newer.`;
}

/**
 * The resource limits the hosting page sets in `<meta name="driftline-limits" content="{…}">`
 * (JSON, the `limits` option of `open`), or the core's defaults when it sets none.
 */
function pageLimits() {
  const meta = document.querySelector('meta[name="driftline-limits"]');
  if (meta === null) {
    return null;
  }
  try {
    return JSON.parse(meta.content);
  } catch {
    console.warn('The driftline-limits meta tag is not JSON; the default limits apply.');
    return null;
  }
}

/** Moves focus to the heading of the view now shown, so that keyboard and screen reader
 * users land on what was loaded rather than on the page's body. */
function focusResults() {
  const view = document.querySelector(`#view-${state.view}`);
  const target = view?.querySelector('h2') ?? byId('summary-heading');
  target.tabIndex = -1;
  target.focus();
}

/** Loads other files: their own "as at" date, from the files, unless the user then changes it. */
function loadNew(files) {
  byId('as-at-input').value = '';
  state.demoDate = false;
  state.asAtChosen = false;
  return load(files);
}

async function load(files, extra = {}) {
  state.loading?.abort();
  const controller = new AbortController();
  state.loading = controller;
  const options = loadOptions(extra);
  showProgress(`Reading ${plural(files.length, 'file')}…`);
  setStatus(`Reading ${plural(files.length, 'file')}…`);
  setBusy(true);
  try {
    const session = await open(files, {
      ...options,
      signal: controller.signal,
      onProgress: (p) => updateProgress(p, files.length),
    });
    if (state.loading !== controller) {
      session.close();
      return;
    }
    state.session?.close();
    state.session = session;
    state.files = files;
    await showSession(session.summary);
    setStatus(loadedMessage(files.length, session.summary), 'is-done');
    // The button pressed was disabled while loading, which left focus on the page's body:
    // take it to what was loaded.
    if (document.activeElement === null || document.activeElement === document.body || document.activeElement.disabled) {
      focusResults();
    }
  } catch (error) {
    if (state.loading !== controller) {
      return;
    }
    if (error?.name === 'AbortError') {
      setStatus(
        state.session === null
          ? 'Loading was cancelled. Nothing is loaded.'
          : 'Loading was cancelled. The data loaded before is still shown.',
      );
      return;
    }
    showLoadError(error, files);
  } finally {
    if (state.loading === controller) {
      state.loading = null;
      hideProgress();
      setBusy(false);
    }
  }
}

/** Runs the analysis again on the same files with new options (as-at date, mapping, profile). */
async function rerun(extra = {}) {
  // One at a time: stopping a run midway would stop the worker holding the data. A run that
  // a later one has followed is not shown when it ends: showing it would put its older "as
  // at" date back in the field after the user had changed it again.
  const previous = state.rerunning ?? Promise.resolve();
  state.reruns += 1;
  const ticket = state.reruns;
  const mine = previous.then(() => rerunNow(extra, ticket));
  state.rerunning = mine.catch(() => {});
  return mine;
}

async function rerunNow(extra, ticket) {
  if (state.session === null || state.files === null) {
    return;
  }
  const controller = new AbortController();
  state.loading = controller;
  showProgress('Reading again…');
  setStatus('Reading again…');
  setBusy(true);
  try {
    const summary = await state.session.rerun(loadOptions(extra), {
      signal: controller.signal,
      onProgress: (p) => updateProgress(p, state.files.length),
    });
    if (ticket !== state.reruns) {
      return;
    }
    await showSession(summary);
    setStatus(loadedMessage(state.files.length, summary), 'is-done');
  } catch (error) {
    if (error?.name === 'AbortError') {
      // The worker was stopped mid-way: its data went with it.
      clearAll();
      setStatus('Reading again was cancelled, so nothing is loaded. Please load the files again.');
      return;
    }
    const diagnostics = error?.diagnostics ?? [];
    if (diagnostics.length > 0) {
      showFatalProblems(diagnostics);
      setStatus('Nothing usable could be read with these settings. The problems are listed below.', 'is-error');
    } else {
      showError(error);
    }
  } finally {
    if (state.loading === controller) {
      state.loading = null;
      hideProgress();
      setBusy(false);
    }
  }
}

function loadedMessage(fileCount, summary) {
  return (
    `Read ${plural(fileCount, 'file')}: ${plural(summary.children, 'child', 'children')}, ` +
    `${plural(summary.rows_rejected, 'row')} not used.`
  );
}

function showLoadError(error, files) {
  const diagnostics = error?.diagnostics ?? [];
  if (diagnostics.length > 0) {
    // Keep the files so that the mapping step can show how they were read.
    state.files = files;
    state.session?.close();
    state.session = null;
    showFatalProblems(diagnostics);
    byId('mapping-button').hidden = false;
    setStatus('Nothing usable could be read from these files. The problems are listed below.', 'is-error');
  } else {
    showError(error);
  }
}

/**
 * Clear: forgets everything loaded. The one path that does it (the Clear button, a cancelled
 * re-read): the worker holding the data is stopped (the next load starts a fresh one), every
 * view, the mapping step's preview, the summary, the problems, the filters' options, the
 * search boxes, the tooltip and the download links are emptied, and what the page remembered
 * about the load (the selected child, searches, filters, QI notes) is reset. Nothing that was
 * read stays in the DOM or in a fetchable object URL.
 */
function clearAll() {
  state.loading?.abort();
  state.loading = null;
  state.session?.close();
  state.session = null;
  state.files = null;
  state.summary = null;
  state.mapping = null;
  state.filters = {};
  // Reset in place: the problem table's handlers hold these objects.
  Object.assign(state.problems, { search: '', severity: '', sort: '', descending: false, shown: 0 });
  Object.assign(state.children, { search: '', sort: '', descending: false, shown: 0, selected: null });
  // Tests of change and rebase dates are typed by the user about this data: forget them too.
  state.qi = undefined;
  results.hidden = true;
  summarySection.hidden = true;
  problemsSection.hidden = true;
  byId('mapping').hidden = true;
  byId('mapping-button').hidden = true;
  byId('controls').hidden = true;
  for (const id of ['view-overview', 'view-children', 'view-cohort', 'view-qi', 'view-timescales']) {
    const view = byId(id);
    view.replaceChildren();
    // Built again on the next load (a view built once keeps its skeleton otherwise).
    delete view.dataset.built;
    delete view.dataset.rendered;
  }
  // The mapping step's preview holds the first rows of every sheet as read.
  byId('mapping-sheets').replaceChildren();
  byId('mapping-labels').replaceChildren();
  byId('problem-table').tBodies[0].replaceChildren();
  for (const th of byId('problem-table').querySelectorAll('thead th')) {
    th.setAttribute('aria-sort', 'none');
  }
  for (const id of ['problems-intro', 'problems-shown', 'as-at']) {
    byId(id).textContent = '';
  }
  for (const count of summarySection.querySelectorAll('[data-count]')) {
    count.textContent = '';
  }
  byId('problem-search').value = '';
  byId('problem-severity').value = '';
  byId('as-at-input').value = '';
  byId('file-list').replaceChildren();
  byId('unknown-labels').replaceChildren();
  // The filters' options are the teams, authorities … of the data.
  for (const select of document.querySelectorAll('[data-filter]')) {
    const all = element('option', 'All');
    all.value = '';
    select.replaceChildren(all);
  }
  const tooltip = byId('tooltip');
  tooltip.hidden = true;
  tooltip.textContent = '';
  revokeDownloads();
  document.body.dataset.loaded = 'no';
  setStatus('Cleared. Nothing is loaded.');
  // A fresh worker for the next load (it holds nothing until then).
  preload().catch(() => {});
}

function showProgress(label) {
  byId('progress').hidden = false;
  byId('progress-bar').removeAttribute('value');
  byId('progress-label').textContent = label;
  state.progressStarted = performance.now();
}

function updateProgress(p, fileCount) {
  const bar = byId('progress-bar');
  const label = byId('progress-label');
  if (p.phase === 'reading' && p.total > 0) {
    bar.value = Math.round((100 * p.done) / p.total);
    label.textContent = `Reading ${plural(fileCount, 'file')} into this tab: ${formatBytes(p.done)} of ${formatBytes(p.total)}`;
  } else if (p.phase === 'starting') {
    bar.removeAttribute('value');
    label.textContent = 'Starting Driftline…';
  } else if (p.phase === 'analysing') {
    bar.removeAttribute('value');
    label.textContent = 'Reading the tables and building every journey…';
  } else if (p.phase === 'preparing') {
    bar.removeAttribute('value');
    label.textContent = 'Preparing the views…';
  }
}

function hideProgress() {
  byId('progress').hidden = true;
}

function setBusy(busy) {
  chooseButton.disabled = busy;
  demoButton.disabled = busy;
  document.body.setAttribute('aria-busy', String(busy));
}

// --- The load summary and the problems -------------------------------------------------------

async function showSession(summary) {
  pageWords ??= await vocabulary();
  state.summary = summary;
  showAsAt(summary);
  document.body.dataset.loaded = 'yes';
  byId('controls').hidden = false;
  byId('mapping-button').hidden = false;
  results.hidden = false;
  showSummary(summary);
  fillFilters(shownFacets(summary));
  state.problems.shown = 0;
  problemsSection.hidden = false;
  await refreshProblems();
  await refreshView();
}

function showSummary(summary) {
  byId('as-at').textContent = `As at ${formatDate(summary.as_at)}.`;
  const counts = {
    files: summary.files.length,
    tables: summary.tables.length,
    rows_read: summary.rows_read,
    rows_used: summary.rows_used,
    rows_rejected: summary.rows_rejected,
    children: summary.children,
    care_periods: summary.care_periods,
  };
  for (const [key, value] of Object.entries(counts)) {
    summarySection.querySelector(`[data-count="${key}"]`).textContent = numberFormat.format(value);
  }
  byId('file-list').replaceChildren(
    ...summary.files.map((file) => {
      const item = element('li', `${file.name}: ${describeFormat(file)}`);
      const sheets = element('ul');
      for (const sheet of file.sheets) {
        sheets.append(element('li', describeSheet(sheet, summary.tables, tableLabel)));
      }
      if (file.sheets.length > 0) {
        item.append(sheets);
      }
      return item;
    }),
  );
  const unknown = summary.unknown_labels;
  // A label as written is free text ("Foster care with Gran Smith"): pseudonymised, only
  // how many there are is shown.
  byId('unknown-labels').replaceChildren(
    ...unknown.map((label) =>
      element(
        'li',
        state.pseudonymise
          ? `${fieldLabel(label.field)}: a label (withheld) (${plural(label.count, 'row')})`
          : `${fieldLabel(label.field)}: "${label.label}" (${plural(label.count, 'row')})`,
      ),
    ),
  );
  byId('unknown').hidden = unknown.length === 0;
  summarySection.hidden = false;
}

function setUpProblems() {
  const p = state.problems;
  byId('problem-search').addEventListener('input', debounce(() => {
    p.search = byId('problem-search').value;
    p.shown = 0;
    refreshProblems();
  }));
  byId('problem-severity').addEventListener('change', () => {
    p.severity = byId('problem-severity').value;
    p.shown = 0;
    refreshProblems();
  });
  setUpSortHeaders(byId('problem-table'), p, () => {
    p.shown = 0;
    refreshProblems();
  });
  byId('problems-more').addEventListener('click', () => refreshProblems(true));
  byId('problems-csv').addEventListener('click', async () => {
    if (state.session === null) {
      return;
    }
    const csv = await state.session.problemsCsv(problemQuery());
    download(csv, 'driftline-problems.csv', 'text/csv');
  });
}

function problemQuery(offset = 0) {
  const p = state.problems;
  return {
    search: p.search,
    severity: p.severity || null,
    sort: p.sort,
    descending: p.descending,
    offset,
    limit: PAGE_SIZE,
    pseudonymise: state.pseudonymise,
  };
}

async function refreshProblems(more = false) {
  const session = state.session;
  if (session === null) {
    return;
  }
  const p = state.problems;
  const table = byId('problem-table');
  const body = table.tBodies[0];
  const offset = more ? p.shown : 0;
  // As for views (see refreshView): "rendered" is "yes" only once the latest query shows.
  problemQueries += 1;
  const mine = problemQueries;
  table.dataset.rendered = 'no';
  const page = await session.problems(problemQuery(offset));
  if (mine !== problemQueries) {
    return;
  }
  const rows = page.rows.map(problemRow);
  if (more) {
    body.append(...rows);
  } else {
    body.replaceChildren(...rows);
  }
  p.shown = offset + page.rows.length;
  const total = page.total;
  byId('problems-intro').textContent =
    total === 0
      ? 'No problems found.'
      : `${plural(total, 'problem')} found. A row with a problem in a required column is not ` +
        'used; other problems are listed so that you can check them.';
  byId('problems-shown').textContent =
    page.matched === total
      ? `Showing ${numberFormat.format(p.shown)} of ${numberFormat.format(total)}.`
      : `Showing ${numberFormat.format(p.shown)} of ${numberFormat.format(page.matched)} matching (${numberFormat.format(total)} in all).`;
  byId('problems-more').hidden = p.shown >= page.matched;
  table.dataset.rendered = 'yes';
}

/** The number of problem queries started (see refreshProblems). */
let problemQueries = 0;

function problemRow(d) {
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
}

/** Nothing usable was read: the fatal problems, shown without a session. */
function showFatalProblems(diagnostics) {
  results.hidden = false;
  summarySection.hidden = true;
  for (const view of document.querySelectorAll('.view')) {
    view.hidden = view.id !== 'view-read';
  }
  byId('tablist').hidden = true;
  byId('filters').hidden = true;
  // These rows are the table's latest state: a query still on its way for an earlier load
  // must not replace them (see refreshProblems).
  problemQueries += 1;
  const table = byId('problem-table');
  table.tBodies[0].replaceChildren(...diagnostics.map(problemRow));
  table.dataset.rendered = 'yes';
  byId('problems-intro').textContent = `${plural(diagnostics.length, 'problem')} stopped the files being read.`;
  byId('problems-shown').textContent = '';
  byId('problems-more').hidden = true;
  problemsSection.hidden = false;
}

// --- Tabs, filters and views -----------------------------------------------------------------------

function setUpTabs() {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  for (const tab of tabs) {
    tab.addEventListener('click', () => selectView(tab.dataset.view));
    tab.addEventListener('keydown', (event) => {
      const i = tabs.indexOf(tab);
      let next = null;
      if (event.key === 'ArrowRight') next = tabs[(i + 1) % tabs.length];
      if (event.key === 'ArrowLeft') next = tabs[(i - 1 + tabs.length) % tabs.length];
      if (event.key === 'Home') next = tabs[0];
      if (event.key === 'End') next = tabs[tabs.length - 1];
      if (next !== null) {
        event.preventDefault();
        next.focus();
        selectView(next.dataset.view);
      }
    });
  }
  markTabs();
}

function markTabs() {
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    const selected = tab.dataset.view === state.view;
    tab.setAttribute('aria-selected', String(selected));
    tab.tabIndex = selected ? 0 : -1;
  }
}

function selectView(name) {
  state.view = name;
  markTabs();
  refreshView();
}

async function refreshView() {
  if (state.session === null) {
    return;
  }
  byId('tablist').hidden = false;
  const name = state.view;
  for (const view of document.querySelectorAll('.view')) {
    view.hidden = view.id !== `view-${name}`;
  }
  byId('filters').hidden = !['overview', 'children', 'cohort', 'qi', 'forecast'].includes(name);
  document.body.dataset.view = name;
  const render = views[name];
  const container = byId(`view-${name}`);
  // "rendered" says the view shows the page's current state: it is "no" from the moment a
  // render starts until the latest one has finished, so nothing (a user, a test) can take an
  // earlier render's charts and buttons for the current ones.
  const generation = (renders.get(name) ?? 0) + 1;
  renders.set(name, generation);
  container.dataset.rendered = 'no';
  try {
    if (render !== undefined) {
      await render(container, context());
    }
  } finally {
    if (renders.get(name) === generation) {
      container.dataset.rendered = 'yes';
    }
  }
}

/** The number of renders started per view (see refreshView). */
const renders = new Map();

/** What views need: the session, the options in force and the page's helpers. */
function context() {
  return {
    session: state.session,
    summary: state.summary,
    pseudonymise: state.pseudonymise,
    sharing: state.sharing,
    filters: activeFilters(),
    state,
    rerun,
    refresh: refreshView,
    current: context,
    openChild: (index) => {
      state.children.selected = index;
      selectView('children');
    },
    selectView,
    setProfile: applyProfile,
  };
}

/**
 * Applies a timescale profile to the journeys already read (the files are not read again),
 * and keeps it for later loads and "as at" changes. Rejects, changing nothing, if the
 * profile is not valid.
 */
async function applyProfile(profile) {
  if (state.session === null) {
    return;
  }
  const summary = await state.session.setProfile(profile);
  state.profile = profile;
  await showSession(summary);
}

function setUpFilters() {
  for (const select of document.querySelectorAll('[data-filter]')) {
    select.addEventListener('change', () => {
      state.filters[select.dataset.filter] = select.value;
      state.children.shown = 0;
      refreshView();
    });
  }
  byId('filters-reset').addEventListener('click', () => {
    state.filters = {};
    for (const select of document.querySelectorAll('[data-filter]')) {
      select.value = '';
    }
    refreshView();
  });
  byId('filters').addEventListener('submit', (event) => event.preventDefault());
}

/** The filters' values as the page offers them: pseudonymised, teams and authorities are named
 * neutrally ("Team A"), and a filter set to a name no longer offered is reset. */
function shownFacets(summary) {
  return state.pseudonymise ? summary.pseudonymised_facets : summary.facets;
}

/**
 * Moves the team and authority filters to the chosen group's other name: its neutral name
 * ("Team B") when Pseudonymise is switched on, its own name when switched off. `names` holds
 * `[name, neutral name]` pairs for each.
 */
function renameChosen(names, pseudonymise) {
  for (const key of ['team', 'local_authority']) {
    const [from, to] = pseudonymise ? [0, 1] : [1, 0];
    const pair = (names?.[key] ?? []).find((p) => p[from] === state.filters[key]);
    if (pair !== undefined) {
      state.filters[key] = pair[to];
    }
  }
}

/** Fills each filter with the values the core found, each `[value, label]`. */
function fillFilters(labelled) {
  for (const select of document.querySelectorAll('[data-filter]')) {
    const key = select.dataset.filter;
    const keep = state.filters[key] ?? '';
    const options = [element('option', 'All')];
    options[0].value = '';
    for (const [value, label] of labelled[key] ?? []) {
      const option = element('option', label);
      option.value = value;
      options.push(option);
    }
    select.replaceChildren(...options);
    select.value = (labelled[key] ?? []).some(([v]) => v === keep) ? keep : '';
    state.filters[key] = select.value;
    select.closest('label').hidden = (labelled[key] ?? []).length < 2;
  }
}

function activeFilters() {
  return Object.fromEntries(Object.entries(state.filters).filter(([, v]) => v !== ''));
}

// --- Mapping step --------------------------------------------------------------------------------------

function setUpMapping() {
  byId('mapping-button').addEventListener('click', () => showMapping());
  byId('mapping-close').addEventListener('click', () => {
    byId('mapping').hidden = true;
  });
  byId('mapping-apply').addEventListener('click', async () => {
    state.mapping = readMappingForm();
    byId('mapping').hidden = true;
    if (state.session !== null) {
      await rerun();
    } else if (state.files !== null) {
      await load(state.files);
    }
  });
  byId('mapping-save').addEventListener('click', () => {
    const mapping = readMappingForm();
    download(`${JSON.stringify(mapping, null, 2)}\n`, 'driftline-mapping.json', 'application/json');
  });
  byId('mapping-load').addEventListener('click', () => byId('mapping-file').click());
  byId('mapping-file').addEventListener('change', async () => {
    const file = byId('mapping-file').files[0];
    byId('mapping-file').value = '';
    if (file === undefined) {
      return;
    }
    try {
      state.mapping = JSON.parse(await file.text());
      await showMapping();
      setStatus(`The mapping in ${file.name} is shown below. Press Apply and read again to use it.`);
    } catch (error) {
      showError(new Error(`${file.name} is not a Driftline mapping: ${error.message}`));
    }
  });
  byId('mapping-reset').addEventListener('click', async () => {
    state.mapping = null;
    await showMapping();
  });
}

/** Shows the mapping step for the loaded files under the current mapping. */
async function showMapping({ scroll = true } = {}) {
  if (state.files === null) {
    return;
  }
  pageWords ??= await vocabulary();
  let shown;
  try {
    shown = state.session !== null
      ? await state.session.preview(state.mapping, { pseudonymise: state.pseudonymise })
      : await preview(state.files, { mapping: state.mapping, pseudonymise: state.pseudonymise });
  } catch (error) {
    showError(error);
    return;
  }
  const sheets = byId('mapping-sheets');
  sheets.replaceChildren();
  let n = 0;
  for (const file of shown.files) {
    if (file.problem !== null) {
      sheets.append(element('p', `${file.name}: ${file.problem.message}`, 'mapping-problem'));
      continue;
    }
    for (const sheet of file.sheets) {
      n += 1;
      sheets.append(sheetMapping(file, sheet, n));
    }
  }
  byId('mapping-labels').replaceChildren(labelMapping());
  byId('mapping').hidden = false;
  if (scroll) {
    byId('mapping-heading').scrollIntoView({ block: 'start' });
    byId('mapping-heading').focus?.();
  }
}

function sheetMapping(file, sheet, n) {
  const box = element('fieldset', undefined, 'sheet-mapping');
  box.dataset.file = file.name;
  if (sheet.name !== null) {
    box.dataset.sheet = sheet.name;
  }
  const title = sheet.name === null ? file.name : `${file.name}, sheet "${sheet.name}"`;
  box.append(element('legend', title));
  const table = sheet.table;
  const kind = labelled('Table', select(pageWords.table_kinds, mappedKind(file.name, sheet.name) ?? '', 'kind'));
  const header = element('input');
  header.type = 'number';
  header.min = '1';
  header.dataset.role = 'header-row';
  header.value = String(mappedHeaderRow(file.name, sheet.name) ?? table?.header_row ?? '');
  const reading = element(
    'p',
    table === null
      ? 'Not read as a table.'
      : `Recognised as the ${tableLabel(table.kind)} table, header on row ${table.header_row}.` +
          (table.missing.length > 0 ? ` Missing: ${table.missing.map(fieldLabel).join(', ')}.` : ''),
    'mapping-reading',
  );
  box.append(reading, element('div', undefined, 'mapping-controls'));
  box.lastChild.append(kind, labelled('Header row', header));
  for (const note of sheet.notes) {
    box.append(element('p', note.message, 'mapping-problem'));
  }

  // The preview: the first rows, with a field chooser above each column of the header row.
  const headerRow = sheet.rows.find(([row]) => row === table?.header_row);
  const width = Math.max(0, ...sheet.rows.map(([, cells]) => cells.length));
  const scroll = element('div', undefined, 'table-scroll preview');
  scroll.tabIndex = 0;
  scroll.setAttribute('role', 'region');
  scroll.setAttribute('aria-label', `Preview of ${title}`);
  const grid = element('table');
  const head = element('thead');
  const choose = element('tr');
  choose.append(element('th', 'Row'));
  const kindId = table?.kind ?? mappedKind(file.name, sheet.name);
  const choosers = [];
  for (let c = 0; c < width; c += 1) {
    const cell = element('th');
    cell.scope = 'col';
    const current = table?.columns[c] ?? '';
    const headerText = headerRow?.[1][c] ?? '';
    const chooser = select([], '', 'column');
    chooser.dataset.column = columnLetter(c);
    chooser.dataset.header = headerText;
    chooser.dataset.auto = current;
    chooser.setAttribute('aria-label', `Column ${columnLetter(c)}${headerText ? ` (${headerText})` : ''} holds`);
    const saved = Object.entries(mappedTable(file.name, sheet.name)?.columns ?? {}).find(
      ([, column]) => column === columnLetter(c) || (headerText !== '' && column === headerText),
    )?.[0];
    fillColumnChooser(chooser, kindId, saved ?? current);
    choosers.push(chooser);
    // The column's letter, as the spreadsheet names it: every header cell has text.
    cell.append(element('span', `${columnLetter(c)} `, 'column-letter'), chooser);
    choose.append(cell);
  }
  kind.querySelector('select').addEventListener('change', (event) => {
    const chosen = event.target.value || table?.kind;
    for (const chooser of choosers) {
      fillColumnChooser(chooser, chosen, chooser.value);
    }
  });
  head.append(choose);
  grid.append(head);
  const body = element('tbody');
  for (const [row, cells] of sheet.rows) {
    const tr = element('tr');
    if (row === table?.header_row) {
      tr.className = 'is-header';
    }
    tr.append(element('th', String(row)));
    for (let c = 0; c < width; c += 1) {
      tr.append(element('td', cells[c] ?? ''));
    }
    body.append(tr);
  }
  grid.append(body);
  scroll.append(grid);
  box.append(scroll);
  box.dataset.index = String(n);
  return box;
}

/** Offers the fields of a table kind in a column chooser, keeping `value` if it is one. */
function fillColumnChooser(chooser, kind, value) {
  const fields = pageWords.table_fields[kind] ?? [];
  const options = [['', 'Not used'], ...fields.map((f) => [f, fieldLabel(f)])];
  chooser.replaceChildren(
    ...options.map(([v, label]) => {
      const option = element('option', label);
      option.value = v;
      return option;
    }),
  );
  chooser.value = fields.includes(value) ? value : '';
  chooser.disabled = fields.length === 0;
}

function mappedTable(file, sheet) {
  return (state.mapping?.tables ?? []).findLast(
    (t) => (t.file ?? file) === file && (t.sheet ?? sheet) === sheet,
  );
}

function mappedKind(file, sheet) {
  return mappedTable(file, sheet)?.kind;
}

function mappedHeaderRow(file, sheet) {
  return mappedTable(file, sheet)?.header_row;
}

function labelMapping() {
  const box = element('fieldset', undefined, 'label-mapping');
  box.append(element('legend', 'Labels'));
  const unknown = state.summary?.unknown_labels ?? [];
  const saved = state.mapping?.labels ?? {};
  const rows = [];
  for (const label of unknown) {
    rows.push([label.field, label.label, label.count]);
  }
  for (const [field, entries] of Object.entries(saved)) {
    for (const label of Object.keys(entries)) {
      if (!rows.some(([f, l]) => f === field && l === label)) {
        rows.push([field, label, null]);
      }
    }
  }
  if (rows.length === 0) {
    box.append(element('p', 'Every placement type, legal status and event label was recognised.'));
    return box;
  }
  box.append(element('p', 'Say what each label that Driftline did not recognise means.'));
  const table = element('table');
  const head = element('tr');
  for (const title of ['Column', 'Label', 'Rows', 'Means']) {
    const th = element('th', title);
    th.scope = 'col';
    head.append(th);
  }
  table.append(element('thead'));
  table.tHead.append(head);
  const body = element('tbody');
  for (const [field, label, count] of rows) {
    const choices =
      field === 'placement_type'
        ? pageWords.placement
        : field === 'legal_status'
          ? pageWords.legal_status
          : pageWords.milestones;
    const current = saved[field]?.[label] ?? '';
    const chooser = select([['', 'Leave as it is'], ...choices], current, 'label');
    chooser.dataset.field = field;
    chooser.dataset.label = label;
    chooser.setAttribute('aria-label', `"${label}" means`);
    const tr = element('tr');
    const cell = element('td');
    cell.append(chooser);
    tr.append(
      element('td', fieldLabel(field)),
      element('td', label),
      element('td', count === null ? '' : numberFormat.format(count), 'number'),
      cell,
    );
    body.append(tr);
  }
  table.append(body);
  box.append(table);
  return box;
}

/** The mapping the form describes: only what differs from automatic recognition. */
function readMappingForm() {
  const tables = [];
  for (const box of document.querySelectorAll('.sheet-mapping')) {
    const entry = { file: box.dataset.file };
    if (box.dataset.sheet !== undefined) {
      entry.sheet = box.dataset.sheet;
    }
    const kind = box.querySelector('[data-role="kind"]').value;
    if (kind !== '') {
      entry.kind = kind;
    }
    const header = Number(box.querySelector('[data-role="header-row"]').value);
    const previous = mappedTable(entry.file, entry.sheet ?? null);
    const autoHeader = box.querySelector('tr.is-header th')?.textContent;
    if (Number.isInteger(header) && header >= 1 && (String(header) !== autoHeader || previous?.header_row)) {
      entry.header_row = header;
    }
    // Once a sheet is mapped by hand, every column chosen is written down; otherwise only
    // the columns that differ from automatic recognition.
    const byHand = kind !== '' || Object.keys(previous?.columns ?? {}).length > 0;
    const columns = {};
    for (const chooser of box.querySelectorAll('[data-role="column"]')) {
      if (chooser.value !== '' && (byHand || chooser.value !== chooser.dataset.auto)) {
        columns[chooser.value] = chooser.dataset.column;
      }
    }
    if (Object.keys(columns).length > 0) {
      entry.columns = columns;
    }
    if (Object.keys(entry).length > 1) {
      tables.push(entry);
    }
  }
  const labels = {};
  for (const chooser of document.querySelectorAll('[data-role="label"]')) {
    if (chooser.value !== '') {
      labels[chooser.dataset.field] ??= {};
      labels[chooser.dataset.field][chooser.dataset.label] = chooser.value;
    }
  }
  const mapping = { version: 1 };
  if (tables.length > 0) {
    mapping.tables = tables;
  }
  mapping.labels = labels;
  return mapping;
}

function columnLetter(index) {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    letters = String.fromCharCode(65 + r) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

