/**
 * Forecasts on the page: when each waiting stage of the child open is likely to end (in the
 * child's detail), the Forecast view (the team's expected completions in the next 3, 6 and
 * 12 months, "where the days go" and the caveats), the likely-by columns of the children
 * table, the QI view's run chart of completions with forecast months, and England's adoption
 * scorecard on the Overview.
 *
 * Every figure comes from the worker (`explore::forecast` in the core); the basis of every
 * forecast is the split chosen on the page (the Overview's "Split the table and charts by"),
 * as `driftline analyze --breakdown` takes it. Spreadsheet text is only ever inserted with
 * `textContent`.
 */

import { download, element, formatDate, formatNumber, lazyFormat, plural } from './ui.js';
import { chartFigure, dataTable, heading, rawCell, shownTableCsvButton } from './figure.js';
import { vocabulary } from './driftline.js';

const forecastPercentFormat = lazyFormat(() => new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 0 }));
const forecastOneDecimal = lazyFormat(() => new Intl.NumberFormat('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 }));

/** A chance in words: "35%". */
export function chanceWords(p) {
  return p === null || p === undefined ? '–' : forecastPercentFormat.format(p);
}

/** An expected number with its interval: "4.2 (1.3 to 7.1)". */
export function expectedWords(expected, [lo, hi]) {
  return `${forecastOneDecimal.format(expected)} (${forecastOneDecimal.format(lo)} to ${forecastOneDecimal.format(hi)})`;
}

/** The split chosen on the page, the basis of every forecast (`null`: the whole cohort). */
function forecastSplitOf(ctx) {
  return ctx.state.overview?.breakdown || null;
}

/** Makes the page's split the basis of the forecasts the session shows. */
export async function syncForecastBasis(ctx) {
  await ctx.session.forecastBasis(forecastSplitOf(ctx));
}

/**
 * One waiting stage's forecast in words: the likely date and its range, the chance by the
 * target date (or, once it has passed, within 30 and 90 days), and the basis; or why there
 * is none.
 */
export function forecastWords(st) {
  const f = st.forecast;
  if (f.chance_30_days === null) {
    return f.note;
  }
  const parts = [];
  if (f.expected_date === null) {
    parts.push('No likely date.');
  } else if (f.range === null) {
    parts.push(`Likely by ${formatDate(f.expected_date)}.`);
  } else {
    parts.push(
      `Likely by ${formatDate(f.expected_date)}; the middle half of those who had waited this long finished between ` +
        `${formatDate(f.range[0])} and ${formatDate(f.range[1])}.`,
    );
  }
  if (f.chance_by_target !== null) {
    parts.push(`${chanceWords(f.chance_by_target)} chance by the target date (${formatDate(st.target_date)}).`);
  } else {
    const why = st.target_date === null ? 'No target' : `The target date (${formatDate(st.target_date)}) has passed`;
    parts.push(`${why}: ${chanceWords(f.chance_30_days)} chance within 30 days, ${chanceWords(f.chance_90_days)} within 90 days.`);
  }
  // The basis, and why a date or the range's later end is missing.
  parts.push(f.note);
  return parts.join(' ');
}

/** The caveats, one click away. */
export function caveatsDetails(caveats, id) {
  const details = element('details', undefined, 'caveats');
  details.id = id;
  details.append(element('summary', 'What a forecast assumes'));
  const list = element('ul');
  for (const caveat of caveats) {
    list.append(element('li', caveat));
  }
  details.append(list);
  return details;
}

/**
 * The child's waiting stages with their forecasts, for the detail view (hidden when nothing
 * is waiting). `child` is what `session.child` answers.
 */
export async function childForecastSection(child) {
  const section = element('section', undefined, 'child-forecast');
  section.id = 'child-forecast';
  const waiting = child.stages.filter((st) => st.forecast !== null && st.forecast !== undefined);
  if (waiting.length === 0) {
    section.hidden = true;
    return section;
  }
  const title = element('h4', 'When the waiting stages are likely to end');
  title.id = 'child-forecast-heading';
  section.setAttribute('aria-labelledby', title.id);
  const list = element('ul', undefined, 'forecast-list');
  list.id = 'child-forecast-list';
  for (const st of waiting) {
    const item = element('li');
    item.dataset.stage = st.stage;
    item.append(
      element('strong', st.label),
      ` (care period ${formatNumber(st.care_period)}, waiting since ${formatDate(st.start)}, ${plural(st.days, 'day')}): `,
      element('span', forecastWords(st), 'forecast-words'),
    );
    list.append(item);
  }
  const words = await vocabulary();
  section.append(title, list, caveatsDetails(words.forecast_caveats, 'child-forecast-caveats'));
  return section;
}

/** The children table's likely-by cells: the likely date, and the chance by the target. */
export function likelyCells(r) {
  const stage = r.current_stage;
  const date = stage?.expected_date ?? null;
  return [
    element('td', date === null ? '' : formatDate(date, 'short')),
    element('td', stage?.chance_by_target === null || stage?.chance_by_target === undefined ? '' : chanceWords(stage.chance_by_target), 'number'),
  ];
}

/** The children table's filter by the likely date: within 3, 6 or 12 months of "as at". */
export function likelyFilter(s, onChange) {
  const choice = element('select');
  choice.id = 'children-likely';
  for (const [value, label] of [['', 'Any time (everyone)'], ['3', 'within 3 months'], ['6', 'within 6 months'], ['12', 'within 12 months']]) {
    const option = element('option', label);
    option.value = value;
    choice.append(option);
  }
  choice.value = s.likely ?? '';
  choice.addEventListener('change', () => {
    s.likely = choice.value;
    onChange();
  });
  const label = element('label', 'Likely to finish the stage they wait in ');
  label.append(choice);
  return label;
}

/** The children table's columns added here: [sort key, heading]. */
export const LIKELY_COLUMNS = [
  ['likely_by', 'Likely to finish by'],
  ['chance_by_target', 'Chance by target'],
];

// --- The Forecast view -------------------------------------------------------------------------

const DECOMPOSITION_COLUMNS = {
  group: 'Children',
  part: 'Part',
  part_label: 'Stage',
  on_path: 'On the path to permanence',
  journeys: 'Completed journeys',
  median_days: 'Median days',
  mean_days: 'Mean days',
  days_over_target: 'Days over target (all children)',
  children_over_target: 'Children over target',
};

export async function renderForecast(container, ctx) {
  const overview = (ctx.state.overview ??= { breakdown: '' });
  const table = await ctx.session.stages({ filters: ctx.filters, breakdown: null, pseudonymise: ctx.pseudonymise });
  if (overview.breakdown !== '' && !table.breakdowns.some(([id]) => id === overview.breakdown)) {
    overview.breakdown = '';
  }
  const panel = await ctx.session.forecast({ filters: ctx.filters, breakdown: forecastSplitOf(ctx), pseudonymise: ctx.pseudonymise });

  const split = element('select');
  split.id = 'forecast-breakdown';
  for (const [value, label] of [['', 'Nothing (the whole cohort)'], ...table.breakdowns]) {
    const option = element('option', label);
    option.value = value;
    split.append(option);
  }
  split.value = overview.breakdown;
  split.addEventListener('change', () => {
    overview.breakdown = split.value;
    ctx.refresh();
  });
  const splitLabel = element('label', 'Base the forecasts on each child’s group by ');
  splitLabel.append(split);
  const tools = element('div', undefined, 'table-tools split');
  tools.append(splitLabel);

  const basis =
    panel.breakdown === null
      ? 'Each forecast is read from the whole cohort’s experience of the stage (Kaplan–Meier, counting the children still waiting).'
      : `Each forecast is read from the experience of the child’s group by ${panel.breakdown_label.toLowerCase()} when the group has ` +
        `at least ${panel.min_completions} completed stages, else from the whole cohort (each child’s forecast says which).`;
  const inView =
    panel.matched === panel.total
      ? `All ${plural(panel.total, 'child', 'children')}.`
      : `The ${plural(panel.matched, 'child', 'children')} the filters show, of ${formatNumber(panel.total)}; their forecasts are read from all the data.`;
  const intro = element('p', `As at ${formatDate(panel.as_at)}. ${inView} ${basis}`, 'as-at');
  intro.id = 'forecast-basis';

  const expectedHeading = element('h3', 'Expected in the next 3, 6 and 12 months');
  expectedHeading.id = 'forecast-expected-heading';
  const expectedIntro = element(
    'p',
    'For each stage, how many of the children waiting in it now are expected to complete it: the ' +
      'sum of each child’s chance, with a 95% interval (each child counted as an independent chance). ' +
      'Children waiting in a stage too few have completed get no forecast and are counted apart.',
  );
  const columns = ['Stage', 'Waiting now', ...panel.horizons.map((m) => `Next ${m} months (95% interval)`), 'Without a forecast'];
  // Shown in en-GB words; downloaded with plain numbers (one decimal, no grouping).
  const plain = (x) => String(Math.round(x * 10) / 10);
  const rows = panel.expected.map((row) => [
    row.label,
    rawCell(formatNumber(row.waiting), row.waiting),
    ...panel.horizons.map((m) => {
      const h = row.horizons.find((x) => x.months === m);
      return h === undefined || row.waiting === row.without_forecast
        ? rawCell('–', '')
        : rawCell(expectedWords(h.expected, h.interval), `${plain(h.expected)} (${plain(h.interval[0])} to ${plain(h.interval[1])})`);
    }),
    rawCell(formatNumber(row.without_forecast), row.without_forecast),
  ]);
  const expectedTable = dataTable('forecast-expected-table', columns, rows, expectedHeading.id);
  panel.expected.forEach((row, i) => {
    expectedTable.querySelectorAll('tbody tr')[i].dataset.stage = row.stage;
  });
  const expectedTools = element('div', undefined, 'table-tools');
  expectedTools.append(shownTableCsvButton(ctx, 'forecast-expected-csv', expectedTable, 'driftline-expected-completions.csv', 'Download the table as CSV'));

  const parts = [
    heading('Forecast', 'forecast-heading'),
    intro,
    tools,
    caveatsDetails(panel.caveats, 'forecast-caveats'),
    expectedHeading,
    expectedIntro,
    expectedTools,
    expectedTable,
  ];

  let drawDecomposition = null;
  if (panel.decomposition) {
    const daysHeading = element('h3', 'Where the days go');
    daysHeading.id = 'decomposition-heading';
    const daysIntro = element(
      'p',
      'For the journeys that reached permanence: the mean days of each stage on the way, stacked, ' +
        'the days beyond each stage’s target (added up over every child, including those still waiting), ' +
        'and what time to permanence would have been had every stage over its target taken exactly its target.',
    );
    const message = element('p', '', 'status');
    message.id = 'decomposition-message';
    message.hidden = true;
    const numbersHeading = element('h4', 'The numbers');
    numbersHeading.id = 'decomposition-numbers-heading';
    const numbers = element('div');
    numbers.id = 'decomposition-numbers';
    const csv = element('button', 'Download the numbers as CSV', 'secondary');
    csv.type = 'button';
    csv.id = 'decomposition-csv';
    csv.addEventListener('click', async () => {
      const text = await ctx.current().session.chartCsv('forecast-decomposition');
      const name = overview.breakdown === '' ? 'where-the-days-go' : `where-the-days-go-by-${overview.breakdown}`;
      download(text, `driftline-${name}.csv`, 'text/csv');
    });
    const figure = chartFigure(ctx, {
      slot: 'forecast-decomposition',
      name: overview.breakdown === '' ? 'where-the-days-go' : `where-the-days-go-by-${overview.breakdown}`,
      tools: [csv],
      spec: (width) => {
        const c = ctx.current();
        return {
          kind: 'decomposition',
          width,
          breakdown: overview.breakdown || null,
          filters: c.filters,
          pseudonymise: c.pseudonymise,
        };
      },
      onDrawn: (info) => {
        const t = info.table ?? { columns: [], rows: [], notes: [] };
        const labels = new Map([['all', panel.matched === panel.total ? 'All children' : 'All children in view']]);
        for (const [value, label] of table.stages.flatMap((st) => st.groups)) {
          labels.set(value, label);
        }
        // The part's id is for the CSV; the table names it.
        const keep = t.columns.map((c, i) => (c === 'part' ? -1 : i)).filter((i) => i >= 0);
        const shown = t.rows.map((row) =>
          keep.map((i) => {
            const cell = row[i];
            const column = t.columns[i];
            if (column === 'group') return labels.get(cell) ?? cell;
            if (column === 'on_path') return cell === 'true' ? 'Yes' : cell === 'false' ? 'No' : '';
            return /^-?\d+(\.\d+)?$/.test(cell) ? formatNumber(Number(cell), !Number.isInteger(Number(cell))) : cell;
          }),
        );
        const shownTable = dataTable('decomposition-table', keep.map((i) => DECOMPOSITION_COLUMNS[t.columns[i]] ?? t.columns[i]), shown, numbersHeading.id);
        const trs = shownTable.querySelectorAll('tbody tr');
        const part = t.columns.indexOf('part');
        t.rows.forEach((row, i) => {
          trs[i].dataset.part = row[part];
        });
        numbers.replaceChildren(shownTable, ...t.notes.map((note) => element('p', note, 'note')));
      },
    });
    parts.push(daysHeading, daysIntro, message, figure.figure, numbersHeading, numbers);
    drawDecomposition = async () => {
      try {
        await figure.draw();
      } catch (error) {
        figure.figure.hidden = true;
        numbers.replaceChildren();
        message.textContent = error?.message ?? String(error);
        message.hidden = false;
      }
    };
  }
  container.replaceChildren(...parts);
  if (drawDecomposition !== null) {
    if (panel.matched === 0) {
      container.querySelector('#decomposition-message').textContent = 'No child matches the filters.';
      container.querySelector('#decomposition-message').hidden = false;
      container.querySelector('figure[data-slot="forecast-decomposition"]').hidden = true;
    } else {
      await drawDecomposition();
    }
  }
}

// --- England's adoption scorecard ---------------------------------------------------------------

const SCORECARD_COLUMNS = {
  measure: 'Measure',
  label: 'What it measures',
  children: 'Children',
  mean_days: 'Mean days',
  mean_days_published: 'Mean days as published',
  median_days: 'Median days',
  threshold_days: 'Threshold (days)',
  within_threshold: 'Within threshold',
  share_within_pct: 'Share within 14 months (%)',
  children_within: 'Children within 14 months',
  left_out_start_unknown: 'Left out: entered care before the data',
  left_out_not_placed_for_adoption: 'Left out: not placed for adoption',
  left_out_no_placement_order: 'Left out: no placement order',
  left_out_no_match: 'Left out: no match recorded',
};

/**
 * England's adoption scorecard for the Overview (the DfE's A1, A2, A10 and A3 over the
 * children adopted in the window, with counts), when the profile has one; otherwise one line
 * saying why it is not shown and how to see it.
 */
export async function scorecardParts(ctx) {
  const panel = await ctx.session.forecast({ filters: ctx.filters, breakdown: forecastSplitOf(ctx), pseudonymise: ctx.pseudonymise, expected: false });
  const s = panel.scorecard;
  if (s === null) {
    if (!panel.scorecard_note) {
      return [];
    }
    const absent = element('p', panel.scorecard_note, 'note');
    absent.id = 'scorecard-absent';
    return [absent];
  }
  const section = element('section', undefined, 'scorecard');
  section.id = 'scorecard';
  const title = element('h3', 'Adoption scorecard (DfE)');
  title.id = 'scorecard-heading';
  section.setAttribute('aria-labelledby', title.id);
  const intro = element(
    'p',
    `England's adoption scorecard as the Department for Education computes it: the mean days over the ` +
      `${plural(s.adopted, 'child', 'children')} adopted from ${formatDate(s.window_from)} to ${formatDate(s.window_to)}, ` +
      'against the DfE’s thresholds. It counts only children adopted; the children still waiting are in ' +
      'the Kaplan–Meier figures of the stages A1, A2 and A10 in the table above, which count their waits so far.',
  );
  intro.id = 'scorecard-window';
  const t = s.table;
  const rows = t.rows.map((row) =>
    row.map((cell, i) => {
      const column = t.columns[i];
      if (column === 'within_threshold') return cell === 'yes' ? 'Yes' : cell === 'no' ? 'No' : '';
      return /^-?\d+(\.\d+)?$/.test(cell) ? formatNumber(Number(cell), !Number.isInteger(Number(cell))) : cell;
    }),
  );
  const shown = dataTable('scorecard-table', t.columns.map((c) => SCORECARD_COLUMNS[c] ?? c), rows, title.id);
  t.rows.forEach((row, i) => {
    shown.querySelectorAll('tbody tr')[i].dataset.measure = row[0];
  });
  const csv = element('button', 'Download the scorecard as CSV', 'secondary');
  csv.type = 'button';
  csv.id = 'scorecard-csv';
  csv.addEventListener('click', async () => {
    const c = ctx.current();
    download(await c.session.scorecardCsv({ filters: c.filters }), 'driftline-adoption-scorecard.csv', 'text/csv');
  });
  // Its notes, as the command line writes them beside the CSV (NAME.notes.txt).
  const notes = element('button', 'Download the notes (.txt)', 'secondary');
  notes.type = 'button';
  notes.id = 'scorecard-notes';
  notes.hidden = t.notes.length === 0;
  notes.addEventListener('click', async () => {
    const c = ctx.current();
    download(await c.session.scorecardNotes({ filters: c.filters }), 'driftline-adoption-scorecard.notes.txt', 'text/plain');
  });
  const tools = element('div', undefined, 'table-tools');
  tools.append(csv, notes);
  section.append(title, intro, tools, shown, ...t.notes.map((note) => element('p', note, 'note')));
  return [section];
}

// --- The QI view's run chart of completions -------------------------------------------------

/**
 * The QI view's run chart of how many children completed the stage each month, with a toggle
 * for forecast months after the data (drawn apart, not part of the run chart's rules).
 */
export function completionsChart(ctx, s) {
  s.forecastMonths ??= 6;
  s.showForecast ??= false;
  const slot = 'qi-completions';
  const title = element('h3', 'Completions per month');
  title.id = `${slot}-heading`;
  const intro = element(
    'p',
    'How many of the children in view completed the stage in each month (a run chart: the median and ' +
      'the runs rules). The forecast adds the months after the data: the children now waiting are expected ' +
      'to complete this many, the sum of their chances, with a 95% interval. The forecast is marked apart and ' +
      'no rule reads it.',
  );
  const toggle = element('input');
  toggle.type = 'checkbox';
  toggle.id = 'qi-forecast';
  toggle.checked = s.showForecast;
  const toggleLabel = element('label');
  toggleLabel.append(toggle, ' Show a forecast for the next 6 months');
  const csv = element('button', 'Download the numbers as CSV', 'secondary');
  csv.type = 'button';
  csv.dataset.export = 'csv';
  csv.addEventListener('click', async () => {
    const text = await ctx.current().session.qiCsv(slot);
    download(text, `driftline-completions-${s.stage}.csv`, 'text/csv');
  });
  const tools = element('div', undefined, 'table-tools');
  tools.append(toggleLabel);
  const numbers = element('details', undefined, 'numbers');
  numbers.id = `${slot}-numbers`;
  numbers.append(element('summary', 'The numbers behind the chart'));
  const figure = chartFigure(ctx, {
    slot,
    name: `completions-${s.stage}`,
    tools: [csv],
    spec: (width) => {
      const c = ctx.current();
      return {
        kind: 'qi',
        width,
        height: 420,
        filters: c.filters,
        pseudonymise: c.pseudonymise,
        qi: {
          stage: s.stage,
          chart: 'run',
          measure: 'completions',
          forecast_months: s.showForecast ? s.forecastMonths : 0,
          rules: s.runRules,
        },
      };
    },
    onDrawn: (info) => {
      const t = info.table ?? { columns: [], rows: [], notes: [] };
      numbers.replaceChildren(
        numbers.firstChild,
        dataTable(`${slot}-table`, ['Month', 'Kind', 'Completions', 'Median', 'Variation', 'Special cause', 'Forecast: lower 95%', 'Forecast: upper 95%'], t.rows, title.id),
        ...t.notes.map((note) => element('p', note, 'note')),
      );
      const rows = numbers.querySelectorAll('tbody tr');
      t.rows.forEach((row, i) => {
        if (row[1] === 'forecast') rows[i].classList.add('forecast-row');
      });
      figure.figure.hidden = false;
      numbers.hidden = false;
    },
  });
  // Nothing to chart (no completion yet, say): the chart and its numbers are hidden and the
  // view's message says why, as for the other QI charts.
  const draw = async () => {
    try {
      await syncForecastBasis(ctx.current());
      return await figure.draw();
    } catch (error) {
      figure.figure.hidden = true;
      numbers.hidden = true;
      throw error;
    }
  };
  toggle.addEventListener('change', () => {
    s.showForecast = toggle.checked;
    draw().catch(() => {});
  });
  return { parts: [title, intro, tools, figure.figure, numbers], draw };
}
