/**
 * The QI view: for one stage of the timescales, a run chart and an XmR chart of the days
 * children took to complete it, plotted by the date they completed it (one point per child,
 * or the median per month or quarter), with the rule sets, a baseline, rebase dates and
 * annotations for tests of change. The numbers behind each chart are shown as a table and
 * can be downloaded as CSV; the charts as PNG or SVG.
 *
 * Everything is computed in the worker (`qi::analyze` over the stage's completed waits for
 * the children the filters choose). Rebase dates and annotations live only in this tab's
 * memory: nothing is stored.
 */

import { download, element, formatDate, formatDays, formatNumber } from './ui.js';
import { chartFigure, dataTable, heading } from './figure.js';
import { vocabulary } from './driftline.js';
import { completionsChart } from './forecast.js';

/** The QI view's settings, kept for as long as the tab is open. */
function settings(ctx) {
  const stages = ctx.summary.stages;
  const s = (ctx.state.qi ??= {
    stage: stages[0]?.[0] ?? '',
    aggregation: 'none',
    runRules: 'anhoej',
    xmrRules: 'mdc',
    baseline: '',
    target: '',
    targetFor: null,
    rebase: [],
    annotations: [],
  });
  if (!stages.some(([id]) => id === s.stage)) {
    s.stage = stages[0]?.[0] ?? '';
  }
  return s;
}

export async function renderQi(container, ctx) {
  const s = settings(ctx);
  const words = await vocabulary();
  const intro = element(
    'p',
    'The days each child took to complete a stage, plotted by the date they completed it: a run ' +
      'chart (the median and runs rules) and an XmR chart (process limits). Mark tests of change ' +
      'to see whether what followed was different. Lower is better.',
  );
  if (ctx.summary.stages.length === 0) {
    container.replaceChildren(heading('QI', 'qi-heading'), element('p', 'The timescales have no stages.'));
    return;
  }

  const form = element('form', undefined, 'qi-controls');
  form.id = 'qi-controls';
  form.addEventListener('submit', (event) => event.preventDefault());
  const stage = choice('qi-stage', 'Stage', ctx.summary.stages, s.stage);
  const aggregation = choice('qi-aggregation', 'Points', words.aggregations, s.aggregation);
  const baseline = numberInput('qi-baseline', 'Fix the centre and limits after (points)', s.baseline, '2');
  const target = numberInput('qi-target', 'Target (days)', s.target, '0');
  const options = element('div', undefined, 'qi-options');
  options.append(stage.label, aggregation.label, baseline.label, target.label);

  const rebase = dateList({
    id: 'qi-rebase',
    legend: 'Rebase: a new centre and limits from',
    items: s.rebase,
    withLabel: false,
  });
  const annotations = dateList({
    id: 'qi-annotations',
    legend: 'Tests of change',
    items: s.annotations,
    withLabel: true,
  });
  form.append(options, rebase, annotations);

  const message = element('p', '', 'status');
  message.id = 'qi-message';
  message.setAttribute('role', 'status');

  const run = qiChart(ctx, s, words, 'run', words.run_rules, 'runRules', 'Run chart');
  const xmr = qiChart(ctx, s, words, 'xmr', words.xmr_rules, 'xmrRules', 'XmR chart');
  const completions = completionsChart(ctx, s);
  container.replaceChildren(heading('QI', 'qi-heading'), intro, form, message, ...run.parts, ...xmr.parts, ...completions.parts);

  const redraw = async () => {
    message.textContent = '';
    if (s.targetFor !== s.stage) {
      // Offer the stage's own target in days, as the core reckons it.
      s.targetFor = s.stage;
      const days = ctx.summary.stage_target_days.find(([id]) => id === s.stage)?.[1];
      s.target = days === null || days === undefined ? '' : String(days);
      target.input.value = s.target;
    }
    const results = await Promise.allSettled([run.draw(), xmr.draw(), completions.draw()]);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed !== undefined) {
      message.textContent = failed.reason?.message ?? String(failed.reason);
    }
  };
  stage.select.addEventListener('change', () => {
    s.stage = stage.select.value;
    redraw();
  });
  aggregation.select.addEventListener('change', () => {
    s.aggregation = aggregation.select.value;
    redraw();
  });
  for (const [input, key] of [[baseline.input, 'baseline'], [target.input, 'target']]) {
    input.addEventListener('change', () => {
      s[key] = input.value;
      redraw();
    });
  }
  form.addEventListener('qi-change', redraw);
  await redraw();
}

/** One chart (run or XmR): heading, rule set, the figure, its CSV download and its table. */
function qiChart(ctx, s, words, kind, rules, rulesKey, title) {
  const slot = `qi-${kind}`;
  const h = element('h3', title);
  h.id = `${slot}-heading`;
  const rule = choice(`${slot}-rules`, 'Rules', rules, s[rulesKey]);
  const tools = element('div', undefined, 'table-tools');
  tools.append(rule.label);
  const csv = element('button', 'Download the numbers as CSV', 'secondary');
  csv.type = 'button';
  csv.dataset.export = 'csv';
  csv.addEventListener('click', async () => {
    const text = await ctx.current().session.qiCsv(slot);
    download(text, `driftline-${slot}-${s.stage}.csv`, 'text/csv');
  });
  const numbers = element('details', undefined, 'numbers');
  numbers.append(element('summary', 'The numbers behind the chart'));
  const out = { parts: [], draw: null };
  const figure = chartFigure(ctx, {
    slot,
    name: `${kind}-${s.stage}`,
    tools: [csv],
    spec: (width) => {
      const c = ctx.current();
      return {
        kind: 'qi',
        width,
        height: 420,
        filters: c.filters,
        sharing: c.sharing,
        qi: {
          stage: s.stage,
          chart: kind,
          aggregation: s.aggregation,
          rules: s[rulesKey],
          baseline: s.baseline === '' ? null : Number(s.baseline),
          target: s.target === '' ? null : Number(s.target),
          rebase: s.rebase.map((r) => r.date),
          annotations: s.annotations,
        },
      };
    },
    onDrawn: (info) => {
      const run = info.qi.chart.chart === 'run';
      const table = ctx.current().sharing === null
        ? numbersTable(`${slot}-table`, info.table, run, s.aggregation, `${slot}-heading`, words)
        : sharedNumbersTable(`${slot}-table`, info.table, s.aggregation, `${slot}-heading`, words);
      numbers.replaceChildren(numbers.firstChild, table);
      figure.figure.hidden = false;
      numbers.hidden = false;
    },
  });
  out.draw = async () => {
    try {
      return await figure.draw();
    } catch (error) {
      figure.figure.hidden = true;
      numbers.hidden = true;
      throw error;
    }
  };
  rule.select.addEventListener('change', () => {
    s[rulesKey] = rule.select.value;
    out.draw().catch(() => {});
  });
  out.parts = [h, tools, figure.figure, numbers];
  return out;
}

/**
 * The table of a QI chart's points, shown from the chart's own numbers (`info.table`, the
 * table its CSV is written from): one row per point, in the page's words and formats, and
 * under it the table's notes (the variation and assurance, what was left out), as the command
 * line writes them beside the chart's CSV.
 */
function numbersTable(id, table, run, aggregation, labelledBy, words) {
  const at = Object.fromEntries(table.columns.map((c, i) => [c, i]));
  const number = (cell) => (cell === '' ? null : Number(cell));
  const columns = [
    aggregation === 'none' ? 'Completed on' : aggregation === 'month' ? 'Month' : 'Quarter',
    ...(aggregation === 'none' ? [] : ['Children']),
    aggregation === 'none' ? 'Days' : 'Median days',
    run ? 'Median line' : 'Centre line',
    ...(run ? [] : ['Lower limit', 'Upper limit']),
    'Signal',
  ];
  const rows = table.rows.map((r) => [
    periodWords(r[at.date] === '' ? null : r[at.date], aggregation),
    ...(aggregation === 'none' ? [] : [formatNumber(number(r[at.waits]))]),
    formatDays(number(r[at.days])),
    formatDays(number(r[at.centre])),
    ...(run ? [] : [formatDays(number(r[at.lower_limit])), formatDays(number(r[at.upper_limit]))]),
    signalWords({ variation: r[at.variation], special_cause: r[at.special_cause] === '' ? null : r[at.special_cause] }, words),
  ]);
  const box = element('div');
  box.append(dataTable(id, columns, rows, labelledBy), ...table.notes.map((n) => element('p', n, 'note')));
  return box;
}

/**
 * The table of a QI chart's points for sharing: the core's protected numbers (a point of
 * fewer than 5 waits shows [c] for its count and median), and the note saying so.
 */
function sharedNumbersTable(id, table, aggregation, labelledBy, words) {
  const at = (name) => table.columns.indexOf(name);
  const columns = [aggregation === 'month' ? 'Month' : 'Quarter', 'Children', 'Median days', 'Centre line', 'Lower limit', 'Upper limit', 'Signal'];
  const number = (v) => (v === '' || v === '[c]' ? v || '–' : formatDays(Number(v)));
  const rows = table.rows.map((r) => [
    periodWords(r[at('date')] || null, aggregation),
    r[at('waits')] === '[c]' ? '[c]' : formatNumber(Number(r[at('waits')])),
    number(r[at('days')]),
    number(r[at('centre')]),
    number(r[at('lower_limit')]),
    number(r[at('upper_limit')]),
    signalWords({ variation: r[at('variation')], special_cause: r[at('special_cause')] || null }, words),
  ]);
  const box = element('div');
  box.append(dataTable(id, columns, rows, labelledBy), ...table.notes.map((n) => element('p', n, 'note')));
  return box;
}

/** A point's signal in the core's words: "Concern: above the upper limit". */
function signalWords(point, words) {
  const variation = words.variation[point.variation] ?? '';
  const cause = point.special_cause === null ? '' : words.special_cause[point.special_cause] ?? point.special_cause;
  return [variation, cause].filter((w) => w !== '').join(': ');
}

function periodWords(iso, aggregation) {
  if (iso === null) {
    return '';
  }
  if (aggregation === 'none') {
    return formatDate(iso, 'short');
  }
  const [y, m] = iso.split('-').map(Number);
  const month = (k) => new Intl.DateTimeFormat('en-GB', { month: 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(y, k - 1, 1)));
  return aggregation === 'month' ? `${month(m)} ${y}` : `${month(m)} to ${month(m + 2)} ${y}`;
}

function choice(id, text, options, value) {
  const select = element('select');
  select.id = id;
  for (const [v, label] of options) {
    const option = element('option', label);
    option.value = v;
    select.append(option);
  }
  select.value = value;
  const label = element('label', `${text} `);
  label.append(select);
  return { select, label };
}

function numberInput(id, text, value, min) {
  const input = element('input');
  input.type = 'number';
  input.id = id;
  input.min = min;
  input.step = '1';
  input.value = value;
  const label = element('label', `${text} `);
  label.append(input);
  return { input, label };
}

/**
 * A list of dates (rebase dates, or tests of change with a label) the user adds and removes.
 * Changes are announced with a `qi-change` event on the form.
 */
function dateList({ id, legend, items, withLabel }) {
  const box = element('fieldset', undefined, 'date-list');
  box.id = id;
  box.append(element('legend', legend));
  const list = element('ul');
  const date = element('input');
  date.type = 'date';
  date.id = `${id}-date`;
  const dateLabel = element('label', 'Date ');
  dateLabel.append(date);
  const text = element('input');
  text.type = 'text';
  text.id = `${id}-label`;
  text.maxLength = 80;
  text.placeholder = 'PDSA 1: two-week planning meeting';
  const textLabel = element('label', 'What changed ');
  textLabel.append(text);
  const add = element('button', 'Add', 'secondary');
  add.type = 'button';
  add.id = `${id}-add`;
  const changed = () => box.dispatchEvent(new Event('qi-change', { bubbles: true }));
  const show = () => {
    list.replaceChildren(
      ...items.map((item, i) => {
        const li = element('li', withLabel ? `${formatDate(item.date)}: ${item.label}` : formatDate(item.date));
        const remove = element('button', 'Remove', 'link');
        remove.type = 'button';
        remove.setAttribute('aria-label', `Remove ${formatDate(item.date)}`);
        remove.addEventListener('click', () => {
          items.splice(i, 1);
          show();
          changed();
        });
        li.append(' ', remove);
        return li;
      }),
    );
    list.hidden = items.length === 0;
  };
  const problem = element('p', '', 'field-problem');
  problem.id = `${id}-problem`;
  problem.setAttribute('role', 'alert');
  problem.hidden = true;
  date.setAttribute('aria-describedby', problem.id);
  add.addEventListener('click', () => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date.value)) {
      problem.textContent = 'Enter a date first (day, month and year), then press Add.';
      problem.hidden = false;
      date.setAttribute('aria-invalid', 'true');
      date.focus();
      return;
    }
    problem.hidden = true;
    date.removeAttribute('aria-invalid');
    items.push(withLabel ? { date: date.value, label: text.value.trim() || 'Test of change' } : { date: date.value });
    items.sort((a, b) => a.date.localeCompare(b.date));
    date.value = '';
    text.value = '';
    show();
    changed();
  });
  const controls = element('div', undefined, 'date-list-controls');
  controls.append(dateLabel, ...(withLabel ? [textLabel] : []), add);
  box.append(list, controls, problem);
  show();
  return box;
}
