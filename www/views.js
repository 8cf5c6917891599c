/**
 * The page's views, each drawn into its tab panel from a session held in the worker: the
 * Overview (stage table, checks, time to permanence, every journey at a glance), the
 * Children list with one child's journey and stages, and the Cohort view; the QI and
 * Timescales views are in their own modules. A view asks the session only for what it shows
 * (one page of rows, one child, the stage table for the filters in force).
 *
 * Spreadsheet text is only ever inserted with `textContent`.
 */

import {
  daysWords,
  debounce,
  download,
  element,
  formatDate,
  formatDays,
  formatNumber,
  formatPercent,
  lazyFormat,
  numberFormat,
  plural,
  setUpSortHeaders,
  showError,
} from './ui.js';
import { chartFigure, dataTable, heading, rawCell, shownTableCsvButton } from './figure.js';
import { renderQi } from './qi.js';
import { LIKELY_COLUMNS, childForecastSection, likelyCells, likelyFilter, renderForecast, scorecardParts, syncForecastBasis } from './forecast.js';
import { renderTimescales } from './timescales.js';
import { vocabulary } from './driftline.js';

const CHILD_PAGE = 50;

/** name → `render(container, context)`. */
export const views = {
  overview: renderOverview,
  children: renderChildren,
  cohort: renderCohort,
  qi: renderQi,
  forecast: renderForecast,
  timescales: renderTimescales,
};

// --- Overview ------------------------------------------------------------------------------

/** The stage table's columns: heading, and the cell text for a group's figures. */
const STAGE_COLUMNS = [
  ['Started', (f) => formatNumber(f.started)],
  ['Completed', (f) => formatNumber(f.completed)],
  ['Not completed (still waiting or left care)', (f) => formatNumber(f.censored)],
  ['Median days (completed)', (f) => formatDays(f.median_days)],
  ['Middle half (days)', (f) => (f.q1_days === null || typeof f.q1_days === 'string' ? formatDays(f.q1_days) : `${formatDays(f.q1_days)} to ${formatDays(f.q3_days)}`)],
  ['Completed within target', withinWords],
  ['Waiting beyond target now', (f) => formatNumber(f.waiting_overdue)],
  ['Median days counting those still waiting (95% CI)', (f) => kmMedianWords(f.km)],
];

/** "71 (51.1%)": completed within target, and as a share of those completed. */
function withinWords(f) {
  if (f.within_target === null) {
    return '–';
  }
  const count = formatNumber(f.within_target);
  // For sharing, a share whose counts are withheld or rounded is withheld with them.
  return f.within_target_pct === null || typeof f.within_target_pct === 'string'
    ? count
    : `${count} (${formatPercent(f.within_target_pct)})`;
}

/** The Kaplan–Meier median and its interval in words: "43 (40 to 45)". */
export function kmMedianWords(km, days = formatDays) {
  if (km.withheld) {
    return km.median_days;
  }
  const [lower, upper] = km.median_ci;
  if (km.median_days === null) {
    return lower === null ? 'Not reached' : `Not reached (at least ${days(lower)})`;
  }
  const to = upper === null ? 'not reached' : days(upper);
  return `${days(km.median_days)} (${lower === null ? '–' : days(lower)} to ${to})`;
}

/** Days as the core gave them, for a CSV: no grouping, no rounding ("[c]" as it is). */
const plainDays = (value) => (value === null || value === undefined ? '–' : String(value));

async function renderOverview(container, ctx) {
  const s = (ctx.state.overview ??= { breakdown: '' });
  const table = await ctx.session.stages({
    filters: ctx.filters,
    breakdown: s.breakdown || null,
    pseudonymise: ctx.pseudonymise,
    sharing: ctx.sharing,
  });
  if (s.breakdown !== '' && !table.breakdowns.some(([id]) => id === s.breakdown)) {
    s.breakdown = '';
  }

  const intro = element('p', `As at ${formatDate(ctx.summary.as_at)}. ${filterWords(table)} Timescales: `, 'as-at');
  const change = element('button', table.profile_label, 'link');
  change.type = 'button';
  change.id = 'overview-profile';
  change.addEventListener('click', () => ctx.selectView('timescales'));
  // Which timescales, and why: chosen by the user, or following the data.
  const why = ctx.summary.profile_basis === 'given' ? 'as chosen' : `because ${ctx.summary.profile_words}`;
  intro.append(change, `, ${why}.`);

  // For sharing, the headline counts as they may be shared.
  const shown = table.shared ?? { children: table.matched, ...table.counts };
  const counts = [
    ['Children', shown.children],
    ['Looked after now', shown.in_care],
    ['Waiting beyond a target now', shown.overdue],
    ['3 or more placements in the last 12 months', shown.unstable],
    ...table.checks.map((c) => [c.label, c.over]),
  ];

  const stageHeading = element('h3', 'How long each stage takes');
  stageHeading.id = 'stage-table-heading';
  const stageIntro = element(
    'p',
    'For every stage of the timescales: how many children started and completed it, the median ' +
      'and middle half of the days taken by those who completed it, how many completed it within ' +
      'the target, and who is waiting beyond it now. The last column also counts the children ' +
      'still waiting (a Kaplan–Meier estimate), so long waits are not left out.',
  );
  const breakdown = element('select');
  breakdown.id = 'stage-breakdown';
  for (const [value, label] of [['', 'Nothing (everyone together)'], ...table.breakdowns]) {
    const option = element('option', label);
    option.value = value;
    breakdown.append(option);
  }
  breakdown.value = s.breakdown;
  breakdown.addEventListener('change', () => {
    s.breakdown = breakdown.value;
    ctx.refresh();
  });
  const breakdownLabel = element('label', 'Split the table and charts by ');
  breakdownLabel.append(breakdown);
  const csv = element('button', 'Download the table as CSV', 'secondary');
  csv.type = 'button';
  csv.id = 'stages-csv';
  csv.addEventListener('click', async () => {
    const c = ctx.current();
    const text = await c.session.stagesCsv({ filters: c.filters, breakdown: s.breakdown || null, pseudonymise: c.pseudonymise, sharing: c.sharing });
    download(text, 'driftline-stages.csv', 'text/csv');
  });
  // For sharing, the table's notes (the rules its counts follow), as the command line writes
  // them beside the CSV (NAME.notes.txt); the table has no notes otherwise.
  const stageNotes = element('button', 'Download the notes (.txt)', 'secondary');
  stageNotes.type = 'button';
  stageNotes.id = 'stages-notes';
  stageNotes.hidden = ctx.sharing === null;
  stageNotes.addEventListener('click', async () => {
    const c = ctx.current();
    const text = await c.session.stagesNotes({ filters: c.filters, breakdown: s.breakdown || null, sharing: c.sharing });
    download(text, 'driftline-stages.notes.txt', 'text/plain');
  });
  const rowsCsv = element('button', "Download every child's stages as CSV", 'secondary');
  rowsCsv.type = 'button';
  rowsCsv.id = 'stage-rows-csv';
  // One row per child is never for sharing.
  rowsCsv.hidden = ctx.sharing !== null;
  rowsCsv.addEventListener('click', async () => {
    const c = ctx.current();
    const text = await c.session.stageRowsCsv({ filters: c.filters, pseudonymise: c.pseudonymise });
    download(text, 'driftline-stage-rows.csv', 'text/csv');
  });
  const split = element('div', undefined, 'table-tools split');
  split.append(breakdownLabel);
  const tools = element('div', undefined, 'table-tools');
  tools.append(csv, stageNotes, rowsCsv);

  const parts = [heading('Overview', 'overview-heading'), intro];
  if ((ctx.summary.facets.route ?? []).some(([id]) => id === 'other_order')) {
    const hint = element('p', (await vocabulary()).other_order_hint, 'hint');
    hint.id = 'overview-route-hint';
    parts.push(hint);
  }
  parts.push(
    figures(counts),
    split,
    stageHeading,
    stageIntro,
  );
  if (table.shared) {
    const note = element('p', table.shared.note, 'note sharing-note');
    note.id = 'sharing-note';
    parts.push(note);
  }
  parts.push(tools, stageTable(table));

  const groupLabels = groupLabelsOf(table);
  const statCharts = [];
  // Every statistical chart here follows the split and the filters: its file name says the
  // split, and its spec carries it.
  const splitName = (name) => (s.breakdown === '' ? name : `${name}-by-${s.breakdown}`);
  const splitSpec = (kind, extra = {}) => (width) => {
    const c = ctx.current();
    return { kind, width, ...extra, breakdown: s.breakdown || null, filters: c.filters, pseudonymise: c.pseudonymise, sharing: c.sharing };
  };
  if (table.stages.length > 0) {
    const delayHeading = element('h3', 'Where delay builds up');
    delayHeading.id = 'delay-heading';
    const delay = statChart(ctx, {
      slot: 'overview-delay',
      name: splitName('delay'),
      labelledBy: 'delay-heading',
      groupLabels,
      hide: ['stage', 'breakdown'],
      spec: splitSpec('delay'),
    });
    statCharts.push(delay);
    parts.push(
      delayHeading,
      element(
        'p',
        'For each stage, the median days taken by the children who completed it (the bar) and the ' +
          'middle half of them (the whisker), against the target (the marker; days beyond it are ' +
          'hatched). On the right: the median and middle half in days, how many completed the stage, ' +
          'the share within target and how many are waiting beyond it now. Split the figures above to ' +
          'compare groups.',
      ),
      ...delay.parts,
    );
  }

  const permanence = table.stages.find((st) => st.id === 'time_to_permanence') ?? table.stages.at(-1);
  if (permanence !== undefined) {
    const kmHeading = element('h3', permanence.id === 'time_to_permanence' ? 'Time to permanence' : `Time to complete: ${permanence.label}`);
    kmHeading.id = 'km-heading';
    const km = statChart(ctx, {
      slot: 'overview-km',
      name: splitName(`km-${permanence.id}`),
      labelledBy: 'km-heading',
      groupLabels,
      hide: [],
      spec: splitSpec('km', { stage: permanence.id }),
    });
    statCharts.push(km);
    const kmSummaryHeading = element('h4', 'Medians and quartiles');
    kmSummaryHeading.id = 'km-summary-heading';
    const kmSummary = kmTable(permanence, table);
    const kmTools = element('div', undefined, 'table-tools');
    kmTools.append(shownTableCsvButton(ctx, 'km-table-csv', kmSummary, `driftline-${permanence.id}-medians.csv`, 'Download the medians as CSV'));
    const averageNote = element(
      'p',
      'Average days (restricted mean): the average number of days to reach it within the ' +
        'first “up to” days, counting a child still waiting for the days waited so far. It cannot ' +
        'see past that horizon (the longest time any child was followed), so with children still ' +
        'waiting the true average is longer.',
      'note',
    );
    averageNote.id = 'km-average-note';
    parts.push(
      kmHeading,
      element(
        'p',
        `The share of children still waiting, day by day from the start of "${permanence.label}", ` +
          'estimated with the Kaplan–Meier method so that children still waiting count for as long as ' +
          'they have waited (one curve per group when the figures are split). Half of the children had ' +
          'reached it by the median; the interval is its 95% confidence interval.',
      ),
      ...km.parts,
      kmSummaryHeading,
      kmTools,
      kmSummary,
      averageNote,
    );

    const spreadHeading = element('h3', `How the waits are spread: ${permanence.label}`);
    spreadHeading.id = 'spread-heading';
    const spread = statChart(ctx, {
      slot: 'overview-spread',
      name: splitName(`spread-${permanence.id}`),
      labelledBy: 'spread-heading',
      groupLabels,
      hide: [],
      spec: splitSpec('histogram', { stage: permanence.id }),
    });
    statCharts.push(spread);
    parts.push(
      spreadHeading,
      element(
        'p',
        'How many children took how long: completed waits as bars (beyond the target in its own ' +
          'colour), waits still running stacked on top at their days so far, and box plots of the ' +
          'quartiles for the cohort and each group when the figures are split. A long tail or a ' +
          'second peak shows children the medians hide.',
      ),
      ...spread.parts,
    );
  }

  // England's adoption scorecard beside the Kaplan–Meier view (nothing for other profiles).
  parts.push(...(await scorecardParts(ctx)));
  for (const check of table.checks) {
    parts.push(checkSection(check, ctx));
  }

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
        row_height: Math.max(0.5, Math.min(6, 480 / Math.max(1, table.matched))),
        pseudonymise: c.pseudonymise,
        filters: c.filters,
        sharing: c.sharing,
      };
    },
  });
  parts.push(
    pictureHeading,
    element('p', 'One thin row per child, by date of entry: placements coloured by kind. The Cohort view shows the same rows larger, with names.'),
    picture.figure,
  );
  container.replaceChildren(...parts);
  if (table.matched > 0) {
    await Promise.all([...statCharts.map((c) => c.draw()), picture.draw()]);
  } else {
    picture.figure.hidden = true;
    for (const c of statCharts) {
      c.hide('No child matches the filters.');
    }
  }
}

/** Column headings for the numbers behind the statistical charts. */
const CHART_COLUMNS = {
  stage_label: 'Stage',
  group: 'Children',
  started: 'Started',
  completed: 'Completed',
  not_ended: 'Not ended',
  median_days: 'Median days',
  q1_days: 'Lower quartile (days)',
  q3_days: 'Upper quartile (days)',
  min_days: 'Shortest (days)',
  max_days: 'Longest (days)',
  target: 'Target',
  target_days: 'Target (days)',
  within_target: 'Completed within target',
  within_target_pct: 'Within target (%)',
  waiting_overdue: 'Waiting beyond target now',
  days: 'Days',
  still_waiting_pct: 'Still waiting (%)',
  lower_95_pct: '95% CI lower (%)',
  upper_95_pct: '95% CI upper (%)',
  at_risk: 'Number still waiting (at risk)',
  ended: 'Ended that day',
  censored: 'Stopped being followed that day',
  km_median_days: 'Median days counting those still waiting',
  km_median_lower: '95% CI lower (days)',
  km_median_upper: '95% CI upper (days)',
};

const tableNumber = lazyFormat(() => new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 }));

/** A cell of a chart's table as shown: numbers in en-GB form, group ids as their labels. */
export function chartCell(column, value, groupLabels) {
  if (column === 'group') {
    return groupLabels.get(value) ?? value;
  }
  return /^-?\d+(\.\d+)?$/.test(value) ? tableNumber.format(Number(value)) : value;
}

/** Group id → label for every group of every breakdown in the stage table. */
function groupLabelsOf(table) {
  const labels = new Map([['all', table.matched === table.total ? 'All children' : 'All children in view']]);
  for (const stage of table.stages) {
    for (const [value, label] of stage.groups) {
      labels.set(value, label);
    }
  }
  return labels;
}

/**
 * A statistical chart drawn from the statistics of the children in view: the figure (PNG and
 * SVG downloads), a CSV download of its numbers, and the numbers themselves as a table (the
 * chart's text alternative), under a disclosure.
 */
function statChart(ctx, { slot, name, labelledBy, groupLabels, hide, spec }) {
  const csv = element('button', 'Download the numbers as CSV', 'secondary');
  csv.type = 'button';
  csv.dataset.export = 'csv';
  csv.addEventListener('click', async () => {
    const text = await ctx.current().session.chartCsv(slot);
    download(text, `driftline-${name}.csv`, 'text/csv');
  });
  const message = element('p', '', 'status');
  message.id = `${slot}-message`;
  message.hidden = true;
  const numbers = element('details', undefined, 'numbers');
  numbers.id = `${slot}-numbers`;
  numbers.append(element('summary', 'The numbers behind the chart'));
  // The table is built when it is first opened: a Kaplan–Meier table of a large cohort has a
  // row for every day on which a wait ended.
  let drawnTable = null;
  const buildNumbers = () => {
    if (drawnTable === null || numbers.dataset.built === 'yes') {
      return;
    }
    const table = drawnTable;
    const keep = table.columns.map((c, i) => (hide.includes(c) ? -1 : i)).filter((i) => i >= 0);
    const columns = keep.map((i) => CHART_COLUMNS[table.columns[i]] ?? table.columns[i]);
    const rows = table.rows.map((row) => keep.map((i) => chartCell(table.columns[i], row[i] ?? '', groupLabels)));
    numbers.append(
      dataTable(`${slot}-table`, columns, rows, labelledBy),
      ...table.notes.map((note) => element('p', note, 'note')),
    );
    numbers.dataset.built = 'yes';
  };
  numbers.addEventListener('toggle', () => {
    if (numbers.open) {
      buildNumbers();
    }
  });
  const figure = chartFigure(ctx, {
    slot,
    name,
    spec,
    tools: [csv],
    onDrawn: (info) => {
      drawnTable = info.table ?? { columns: [], rows: [], notes: [] };
      numbers.replaceChildren(numbers.firstChild);
      delete numbers.dataset.built;
      if (numbers.open) {
        buildNumbers();
      }
      figure.figure.hidden = false;
      // For sharing, a chart may come without numbers (a Kaplan–Meier curve's steps are
      // single children): then there is no table and nothing to download.
      const empty = drawnTable.columns.length === 0;
      numbers.hidden = empty;
      csv.hidden = empty;
      message.hidden = true;
    },
  });
  const hideChart = (text) => {
    figure.figure.hidden = true;
    numbers.hidden = true;
    message.textContent = text;
    message.hidden = false;
  };
  return {
    parts: [message, figure.figure, numbers],
    hide: hideChart,
    draw: async () => {
      try {
        await figure.draw();
      } catch (error) {
        hideChart(error?.message ?? String(error));
      }
    },
  };
}

function filterWords(table) {
  // For sharing, the count as it may be shared ("[c]" for 1 to 4, rounded if asked).
  const count = (n) => (typeof n === 'string' ? `${n} children` : plural(n, 'child', 'children'));
  if (table.matched === table.total) {
    return `Showing all ${count(table.shared?.children ?? table.total)}.`;
  }
  return `Filters show ${count(table.shared?.children ?? table.matched)} of ${numberFormat.format(table.total)}.`;
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

/** The stage table: one row per stage, and one per group under the breakdown chosen. */
function stageTable(table) {
  const t = element('table', undefined, 'stage-table');
  t.id = 'stage-table';
  const head = element('tr');
  for (const title of ['Stage', 'Target', ...STAGE_COLUMNS.map(([h]) => h)]) {
    const th = element('th', title);
    th.scope = 'col';
    head.append(th);
  }
  t.append(element('thead'), element('tbody'));
  t.tHead.append(head);
  for (const stage of table.stages) {
    const row = element('tr', undefined, 'stage-row');
    row.dataset.stage = stage.id;
    const name = element('th', stage.label);
    name.scope = 'row';
    row.append(name, element('td', stage.target ?? 'None'));
    for (const [, cell] of STAGE_COLUMNS) {
      row.append(element('td', cell(stage), 'number'));
    }
    if (stage.waiting_overdue > 0) {
      row.cells[8].classList.add('overdue');
    }
    t.tBodies[0].append(row);
    for (const [value, label, figures] of stage.groups) {
      const group = element('tr', undefined, 'group-row');
      group.dataset.stage = stage.id;
      group.dataset.group = value;
      const groupName = element('th', label);
      groupName.scope = 'row';
      group.append(groupName, element('td', ''));
      for (const [, cell] of STAGE_COLUMNS) {
        group.append(element('td', cell(figures), 'number'));
      }
      t.tBodies[0].append(group);
    }
  }
  const scroll = element('div', undefined, 'table-scroll stage-scroll');
  scroll.tabIndex = 0;
  scroll.setAttribute('role', 'region');
  scroll.setAttribute('aria-labelledby', 'stage-table-heading');
  scroll.append(t);
  return scroll;
}

/** The Kaplan–Meier figures of one stage, for everyone and each group of the breakdown. */
function kmTable(stage, table) {
  const rows = [[table.breakdown === null ? 'Everyone' : 'Everyone in view', stage], ...stage.groups.map(([, label, f]) => [label, f])];
  const restricted = (km, days = formatDays, number = formatNumber) => {
    if (km.withheld) {
      return km.median_days;
    }
    return km.restricted_mean === null ? '–' : `${days(km.restricted_mean.mean)} (up to ${number(km.restricted_mean.horizon)} days)`;
  };
  return dataTable(
    'km-table',
    ['Children', 'Started', 'Reached it', 'Median days (95% CI)', 'A quarter had reached it by (days)', 'Three quarters had reached it by (days)', 'Average days (restricted mean)'],
    // Shown in en-GB words; downloaded with the core's numbers as they are.
    rows.map(([label, f]) => [
      label,
      rawCell(formatNumber(f.started), f.started),
      rawCell(formatNumber(f.completed), f.completed),
      rawCell(kmMedianWords(f.km), kmMedianWords(f.km, plainDays)),
      rawCell(formatDays(f.km.q1_days), f.km.q1_days),
      rawCell(formatDays(f.km.q3_days), f.km.q3_days),
      rawCell(restricted(f.km), restricted(f.km, plainDays, plainDays)),
    ]),
    'km-summary-heading',
  );
}

/** A check such as PACE Aim 1: how many children it applies to, and who is over its limit. */
function checkSection(check, ctx) {
  const section = element('section', undefined, 'check');
  section.dataset.check = check.id;
  const title = element('h3', check.label);
  title.id = `check-${check.id}`;
  section.setAttribute('aria-labelledby', title.id);
  const count = (n, one, many) => (typeof n === 'string' ? `${n} ${many}` : plural(n, one, many));
  const words =
    check.current === 0
      ? 'No child in view is in this situation now.'
      : `${count(check.current, 'child is', 'children are')} in this situation now; ` +
        `${count(check.over, 'has', 'have')} been in it for more than ${check.longer_than}.`;
  section.append(title, element('p', words));
  if (check.children_over.length > 0) {
    const list = element('ul', undefined, 'child-links');
    for (const [index, name] of check.children_over) {
      const item = element('li');
      const open = element('button', name, 'link');
      open.type = 'button';
      open.addEventListener('click', () => ctx.openChild(index));
      item.append(open);
      list.append(item);
    }
    section.append(list);
  }
  return section;
}

// --- Children ------------------------------------------------------------------------------

const CHILD_COLUMNS = [
  ['child', 'Child'],
  ['age', 'Age'],
  ['placement', 'Placement now'],
  ['legal_status', 'Legal status now'],
  ['days_in_care', 'Time in care'],
  ['moves', 'Moves'],
  ['placements_last_12_months', 'Placements, last 12 months'],
  ['current_stage', 'Waiting now for'],
  ...LIKELY_COLUMNS,
  ['overdue', 'Flags'],
];

async function renderChildren(container, ctx) {
  const s = ctx.state.children;
  // The forecasts follow the page's split.
  await syncForecastBasis(ctx);
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
  tools.append(searchLabel, likelyFilter(s, () => refreshChildren(container, ctx.current(), false)), csv);

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
  const scroll = element('div', undefined, 'table-scroll children-scroll');
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

/** Pseudonymised, the columns sorted by the names shown rather than the real ones. */
const PSEUDONYMISED_SORT = {
  child: 'pseudonym',
  team: 'team_pseudonymised',
  local_authority: 'local_authority_pseudonymised',
};

function childQuery(ctx, offset = 0) {
  const s = ctx.state.children;
  return {
    search: s.search,
    likely_within_months: s.likely ? Number(s.likely) : null,
    sort: ctx.pseudonymise ? (PSEUDONYMISED_SORT[s.sort] ?? s.sort) : s.sort,
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
    element('td', r.age ?? 'Not known'),
    element('td', r.in_care ? r.placement_label ?? 'Not known' : 'Not looked after'),
    element('td', r.in_care ? r.legal_status_label ?? 'Not known' : ''),
    element('td', daysWords(r.days_in_care), 'number'),
    element('td', formatNumber(r.moves), 'number'),
    element('td', formatNumber(r.placements_last_12_months), 'number'),
    element('td', waitingWords(r.current_stage)),
    ...likelyCells(r),
    flagsCell(r),
  );
  return tr;
}

/** "Permanence recommendation to panel: 45 days" for the stage a child is waiting in now. */
function waitingWords(stage) {
  return stage === null ? '' : `${stage.label}: ${plural(stage.days, 'day')}`;
}

/** Tags for what needs attention: stages waiting beyond target, checks, instability. */
function flags(r) {
  return [
    ...r.overdue.map((label) => `Overdue: ${label}`),
    ...r.checks_over,
    ...(r.unstable ? [`Unstable: ${plural(r.placements_last_12_months, 'placement')} in 12 months`] : []),
  ];
}

function flagsCell(r) {
  const cell = element('td');
  for (const text of flags(r)) {
    cell.append(element('span', text, 'tag'), ' ');
  }
  return cell;
}

/** A child's part of a download's name: the child's position ("child-12", as "Child 12"),
 * never the ID, whether or not the view is pseudonymised: file names stay in the browser's
 * history and the downloads folder. */
function childFileName(index) {
  return `child-${index + 1}`;
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
    ['Age', r.age ?? 'Not known'],
    ctx.pseudonymise ? null : ['Date of birth', r.date_of_birth === null ? 'Not known' : formatDate(r.date_of_birth)],
    ['Sex', r.sex ?? 'Not recorded'],
    ['Placement now', r.in_care ? `${r.placement_label ?? 'Not known'}${r.placement_type ? ` (${r.placement_type})` : ''}` : 'Not looked after'],
    ['Legal status now', r.in_care ? r.legal_label ?? r.legal_status_label ?? 'Not known' : ''],
    ['Became looked after', r.latest_entry === null ? 'Never' : formatDate(r.latest_entry)],
    ['Time in care', daysWords(r.days_in_care)],
    ['Care periods', formatNumber(r.care_periods)],
    ['Moves', formatNumber(r.moves)],
    ['Placements in the last 12 months', `${formatNumber(r.placements_last_12_months)}${r.unstable ? ' (unstable)' : ''}`],
    ['Waiting now for', r.current_stage === null ? 'Nothing' : waitingWords(r.current_stage)],
    ['Route to permanence', r.route_label ?? 'Not known'],
  ].filter((f) => f !== null);
  const list = element('dl', undefined, 'facts');
  for (const [label, value] of facts) {
    const item = element('div');
    item.append(element('dt', label), element('dd', value));
    list.append(item);
  }
  // "Other order": say what the event must name for the route to be known.
  const routeHint = element('p', r.route === 'other_order' ? (await vocabulary()).other_order_hint : '', 'hint');
  routeHint.id = 'route-hint';
  routeHint.hidden = r.route !== 'other_order';
  const attention = flags(r);
  const flagList = element('p', undefined, 'flags');
  flagList.id = 'child-flags';
  for (const text of attention) {
    flagList.append(element('span', text, 'tag'), ' ');
  }
  flagList.hidden = attention.length === 0;

  const actions = element('p', undefined, 'actions');
  const csv = element('button', 'Download the chronology as CSV', 'secondary');
  csv.type = 'button';
  csv.id = 'chronology-csv';
  csv.addEventListener('click', async () => {
    const text = await ctx.session.chronologyCsv(index, ctx.pseudonymise);
    download(text, `driftline-chronology-${childFileName(index)}.csv`, 'text/csv');
  });
  const print = element('button', 'Print the timeline', 'secondary');
  print.type = 'button';
  print.id = 'print-child';
  print.addEventListener('click', () => printChild(ctx, timeline.figure).catch(showError));
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
      e.source === null ? '' : e.source.words,
    ]),
    'chronology-heading',
  );

  const stagesHeading = element('h4', 'Stages');
  stagesHeading.id = 'child-stages-heading';
  const stagesCsv = element('button', 'Download the stages as CSV', 'secondary');
  stagesCsv.type = 'button';
  stagesCsv.id = 'child-stages-csv';
  stagesCsv.addEventListener('click', async () => {
    const text = await ctx.session.stageRowsCsv({ child: index, pseudonymise: ctx.pseudonymise });
    download(text, `driftline-stages-${childFileName(index)}.csv`, 'text/csv');
  });
  const stagesTools = element('div', undefined, 'table-tools');
  stagesTools.append(stagesCsv);
  const stages =
    child.stages.length === 0
      ? element('p', 'No stage of the timescales has started for this child.')
      : dataTable(
          'child-stages-table',
          ['Stage', 'Care period', 'From', 'To', 'Days', 'Target', 'Due', 'Outcome'],
          child.stages.map((st) => [
            st.label,
            formatNumber(st.care_period),
            formatDate(st.start, 'short'),
            st.end === null ? '' : formatDate(st.end, 'short'),
            formatNumber(st.days),
            st.target ?? 'None',
            st.target_date === null ? '' : formatDate(st.target_date, 'short'),
            outcomeWords(st),
          ]),
          'child-stages-heading',
        );
  if (child.stages.length > 0) {
    // A child has few stages: show them all rather than scroll.
    stages.classList.add('stage-scroll');
    const rows = stages.querySelectorAll('tbody tr');
    child.stages.forEach((st, i) => {
      rows[i].dataset.stage = st.stage;
      if (st.overdue || st.within_target === false) {
        rows[i].cells[7].classList.add('overdue');
      }
    });
  }
  const checks = child.checks.map((c) =>
    element(
      'p',
      `${c.label}: since ${formatDate(c.since)} (${plural(c.days, 'day')})` +
        (c.over ? `, beyond ${formatDate(c.due)}.` : c.due === null ? '.' : `; due ${formatDate(c.due)}.`),
      c.over ? 'check-hit overdue' : 'check-hit',
    ),
  );

  const forecast = await childForecastSection(child);
  const placementsHeading = element('h4', 'Placements');
  placementsHeading.id = 'placements-heading';
  const placements = dataTable(
    'placements-table',
    ['From', 'To', 'Placement', 'As written', 'Carer', 'Move'],
    child.care_periods.flatMap((p) =>
      // Downloaded with ISO dates (an ongoing placement's end is blank, as in the CSVs).
      p.placements.map((pl) => [
        rawCell(formatDate(pl.start, 'short'), pl.start),
        rawCell(pl.end === null ? 'Ongoing' : formatDate(pl.end, 'short'), pl.end),
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
      rawCell(formatDate(l.start, 'short'), l.start),
      rawCell(l.end === null ? 'Ongoing' : formatDate(l.end, 'short'), l.end),
      l.category_label,
      l.legal_status,
    ]),
    'legal-heading',
    'None recorded: the files hold no legal status for this child.',
  );
  const timelineHeading = element('h4', 'Timeline');
  timelineHeading.id = 'timeline-heading';
  const timeline = chartFigure(ctx, {
    slot: 'timeline',
    name: `timeline-${childFileName(index)}`,
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
  const placementsTools = element('div', undefined, 'table-tools');
  placementsTools.append(shownTableCsvButton(ctx, 'placements-csv', placements, `driftline-placements-${childFileName(index)}.csv`, 'Download the placements as CSV'));
  const legalTools = element('div', undefined, 'table-tools');
  legalTools.append(shownTableCsvButton(ctx, 'legal-csv', legal, `driftline-legal-status-${childFileName(index)}.csv`, 'Download the legal statuses as CSV'));
  detail.replaceChildren(
    title,
    list,
    routeHint,
    flagList,
    actions,
    timelineHeading,
    timeline.figure,
    stagesHeading,
    stagesTools,
    stages,
    ...checks,
    forecast,
    chronologyHeading,
    chronology,
    placementsHeading,
    placementsTools,
    placements,
    legalHeading,
    legalTools,
    legal,
  );
  detail.hidden = false;
  detail.dataset.child = String(index);
  if (focus) {
    title.focus();
  }
  await timeline.draw();
}

/** What became of a stage: "Completed within target", "Waiting, beyond target", … */
function outcomeWords(st) {
  if (st.status === 'completed') {
    const by = st.ended_by === null ? '' : ` (${st.ended_by})`;
    if (st.within_target === true) return `Completed within target${by}`;
    if (st.within_target === false) return `Completed after the target${by}`;
    return `Completed${by}`;
  }
  if (st.status === 'left_care') {
    return 'Left care before it was completed';
  }
  if (st.status === 'end_of_data') {
    return 'Not completed when the data ends';
  }
  return st.overdue ? 'Waiting, beyond target' : 'Waiting';
}

/**
 * Prints one child on one A4 landscape page: the facts, then the timeline with its legend
 * as vector graphics (the chart's SVG in place of the screen's bitmap), nothing else.
 */
async function printChild(ctx, figure) {
  const svg = await ctx.current().session.svg('timeline');
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  const image = element('img', undefined, 'print-timeline');
  image.alt = figure.querySelector('canvas')?.getAttribute('aria-label') ?? 'Timeline';
  image.src = url;
  await image.decode();
  figure.querySelector('.print-timeline')?.remove();
  figure.append(image);
  document.body.classList.add('print-child');
  const done = () => {
    document.body.classList.remove('print-child');
    image.remove();
    URL.revokeObjectURL(url);
    window.removeEventListener('afterprint', done);
  };
  window.addEventListener('afterprint', done);
  window.print();
}

// --- Cohort ----------------------------------------------------------------------------------

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
      // The core says whose row it is (`child`, the child's index in the report).
      if (hit.target.kind === 'cohort_row' && Number.isInteger(hit.child)) {
        ctx.openChild(hit.child);
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
