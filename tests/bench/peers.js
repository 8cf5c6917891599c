/**
 * What a user would otherwise write: the median days of the `permanence_recommendation`
 * stage (becoming looked after → permanence recommendation) computed from the template's
 * placements and events, in plain JavaScript over Papa Parse's rows, and in SQL for DuckDB.
 *
 * Both follow Driftline's documented semantics for this stage on clean template data:
 * placements sorted by start, then end (open first), then row; a care period is a run of
 * placements each starting no later than the day after the latest end so far (an open
 * placement continues the period); an end before the start counts as the start; an explicit
 * "Became looked after" event after the previous period's end and no later than the period's
 * first placement moves the start back to it; an explicit "Left care" event on or after the
 * start and before the next period's start sets the end; the stage starts at the period's
 * start (if on or before "as at") and ends at the first "Permanence recommendation" event in
 * the period on or before "as at"; the median is over completed stages (R's type 7, DuckDB's
 * `median`). Labels are the template's canonical ones (the generator's clean output).
 */

const DAY = 86_400_000;

/** Days since 1970 of `dd/mm/yyyy`, or `null` for a blank cell. */
function ukDay(text) {
  if (text === undefined || text === '') {
    return null;
  }
  const d = Number(text.slice(0, 2));
  const m = Number(text.slice(3, 5));
  const y = Number(text.slice(6, 10));
  return Date.UTC(y, m - 1, d) / DAY;
}

/** Days since 1970 of `YYYY-MM-DD`. */
export function isoDay(text) {
  const [y, m, d] = text.split('-').map(Number);
  return Date.UTC(y, m - 1, d) / DAY;
}

/** The median of numbers (the mean of the middle two for an even count), or `null`. */
export function median(values) {
  if (values.length === 0) {
    return null;
  }
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The stage's median from parsed rows (arrays of strings, header row first) of the
 * placements and events tables. Returns `{ median, started, completed }`.
 */
export function permanenceMedian(placementRows, eventRows, asAt) {
  const asAtDay = isoDay(asAt);
  const col = (header, name) => {
    const i = header.indexOf(name);
    if (i < 0) {
      throw new Error(`no ${name} column`);
    }
    return i;
  };
  const [ph, ...placements] = placementRows;
  const [pId, pStart, pEnd] = [col(ph, 'child_id'), col(ph, 'start_date'), col(ph, 'end_date')];
  const byChild = new Map();
  placements.forEach((row, i) => {
    const start = ukDay(row[pStart]);
    let end = ukDay(row[pEnd]);
    if (end !== null && end < start) {
      end = start;
    }
    let list = byChild.get(row[pId]);
    if (list === undefined) {
      list = [];
      byChild.set(row[pId], list);
    }
    list.push({ start, end, row: i });
  });
  const [eh, ...events] = eventRows;
  const [eId, eDate, eLabel] = [col(eh, 'child_id'), col(eh, 'date'), col(eh, 'event')];
  const KINDS = { 'Became looked after': 'bla', 'Left care': 'left', 'Permanence recommendation': 'rec' };
  const eventsOf = new Map();
  for (const row of events) {
    const kind = KINDS[row[eLabel]];
    if (kind === undefined) {
      continue;
    }
    let e = eventsOf.get(row[eId]);
    if (e === undefined) {
      e = { bla: [], left: [], rec: [] };
      eventsOf.set(row[eId], e);
    }
    e[kind].push(ukDay(row[eDate]));
  }

  const days = [];
  let started = 0;
  for (const [id, list] of byChild) {
    list.sort((a, b) =>
      a.start - b.start || (a.end ?? -Infinity) - (b.end ?? -Infinity) || a.row - b.row);
    // Care periods: gaps and islands over the sorted placements.
    const periods = [];
    let reach = null;
    for (const p of list) {
      const continues = periods.length > 0 && (reach === null || p.start <= reach + 1);
      if (continues) {
        reach = reach !== null && p.end !== null ? Math.max(reach, p.end) : null;
      } else {
        periods.push({ first: p.start, start: p.start, end: null });
        reach = p.end;
      }
      periods[periods.length - 1].end = reach;
    }
    const e = eventsOf.get(id) ?? { bla: [], left: [], rec: [] };
    const min = (values) => (values.length === 0 ? null : Math.min(...values));
    for (let i = 0; i < periods.length; i++) {
      const floor = i === 0 ? null : periods[i - 1].end;
      const first = periods[i].first;
      const explicit = min(e.bla.filter((d) => (floor === null || d > floor) && d <= first));
      if (explicit !== null) {
        periods[i].start = explicit;
      }
    }
    for (let i = 0; i < periods.length; i++) {
      const { start } = periods[i];
      const ceiling = i + 1 < periods.length ? periods[i + 1].start : null;
      const explicit = min(e.left.filter((d) => d >= start && (ceiling === null || d < ceiling)));
      if (explicit !== null) {
        periods[i].end = explicit;
      }
    }
    for (const p of periods) {
      if (p.start > asAtDay) {
        continue;
      }
      started += 1;
      const inside = e.rec.filter((d) => d >= p.start && (p.end === null || d <= p.end) && d <= asAtDay);
      if (inside.length > 0) {
        days.push(Math.min(...inside) - p.start);
      }
    }
  }
  return { median: median(days), started, completed: days.length };
}

/**
 * The same stage in DuckDB's SQL: placements read with their dates typed, care periods as
 * gaps and islands with window functions, the explicit starts and ends joined in, and the
 * first recommendation in each period.
 */
export function permanenceSql(placementsFile, eventsFile, asAt) {
  return `
WITH
pl AS (
  SELECT child_id, start_date AS s,
         CASE WHEN end_date < start_date THEN start_date ELSE end_date END AS e,
         row_number() OVER () AS rn
  FROM read_csv('${placementsFile}', header = true, dateformat = '%d/%m/%Y',
    columns = {'child_id': 'VARCHAR', 'start_date': 'DATE', 'end_date': 'DATE',
               'placement_type': 'VARCHAR', 'carer': 'VARCHAR', 'legal_status': 'VARCHAR'})
),
ordered AS (
  SELECT *, max(coalesce(e, DATE '9999-12-31')) OVER (
      PARTITION BY child_id ORDER BY s, e NULLS FIRST, rn
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_reach
  FROM pl
),
islands AS (
  SELECT *, sum(CASE WHEN prev_reach IS NULL OR s > prev_reach + 1 THEN 1 ELSE 0 END) OVER (
      PARTITION BY child_id ORDER BY s, e NULLS FIRST, rn ROWS UNBOUNDED PRECEDING) AS period
  FROM ordered
),
periods AS (
  SELECT child_id, period, min(s) AS first_start,
         nullif(max(coalesce(e, DATE '9999-12-31')), DATE '9999-12-31') AS p_end
  FROM islands GROUP BY child_id, period
),
ev AS MATERIALIZED (
  SELECT child_id, date AS d, event
  FROM read_csv('${eventsFile}', header = true, dateformat = '%d/%m/%Y',
    columns = {'child_id': 'VARCHAR', 'date': 'DATE', 'event': 'VARCHAR', 'detail': 'VARCHAR'})
  WHERE event IN ('Became looked after', 'Left care', 'Permanence recommendation')
),
bla AS (SELECT child_id, d FROM ev WHERE event = 'Became looked after'),
lc AS (SELECT child_id, d FROM ev WHERE event = 'Left care'),
rec AS (SELECT child_id, d FROM ev WHERE event = 'Permanence recommendation'),
floors AS (
  SELECT *, lag(p_end) OVER (PARTITION BY child_id ORDER BY period) AS floor FROM periods
),
starts AS (
  SELECT f.child_id, f.period, f.p_end, coalesce(min(bla.d), f.first_start) AS start
  FROM floors f LEFT JOIN bla ON bla.child_id = f.child_id
    AND bla.d > coalesce(f.floor, DATE '0001-01-01') AND bla.d <= f.first_start
  GROUP BY f.child_id, f.period, f.p_end, f.first_start
),
ceilings AS (
  SELECT *, lead(start) OVER (PARTITION BY child_id ORDER BY period) AS ceiling FROM starts
),
bounded AS (
  SELECT c.child_id, c.period, c.start, coalesce(min(lc.d), c.p_end) AS p_end
  FROM ceilings c LEFT JOIN lc ON lc.child_id = c.child_id
    AND lc.d >= c.start AND lc.d < coalesce(c.ceiling, DATE '9999-12-31')
  GROUP BY c.child_id, c.period, c.start, c.p_end
),
stage AS (
  SELECT b.child_id, b.period, b.start, min(rec.d) AS rec
  FROM bounded b LEFT JOIN rec ON rec.child_id = b.child_id
    AND rec.d >= b.start AND rec.d <= coalesce(b.p_end, DATE '9999-12-31') AND rec.d <= DATE '${asAt}'
  WHERE b.start <= DATE '${asAt}'
  GROUP BY b.child_id, b.period, b.start
)
SELECT median((rec - start)::DOUBLE) AS median, count(*)::INTEGER AS started,
       count(rec)::INTEGER AS completed
FROM stage`;
}
