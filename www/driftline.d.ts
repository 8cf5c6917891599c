// TypeScript declarations for driftline.js, Driftline's ES module API. The report's shape
// mirrors the Rust types in src/report.rs, src/model/ and src/diagnostics.rs.

/** One input: a file, its bytes, or a named record of its bytes. */
export type Input = File | Blob | ArrayBuffer | Uint8Array | { name: string; bytes: ArrayBuffer | Uint8Array };

export interface AnalyzeOptions {
  /**
   * The "as at" date, written YYYY-MM-DD. By default the latest date in the files up to today
   * (on this computer), or the last day an SSDA903 return covers; the summary's `as_at_basis`
   * and `as_at_words` say which.
   */
  asAt?: string;
  /** A saved column and label mapping (an object, or its JSON text). It holds no data. */
  mapping?: object | string | null;
  /** A timescale profile: `"scotland"` (the default), `"england"`, a profile object or its JSON text. */
  profile?: string | object | null;
  /**
   * Resource limits; those left out keep the core's defaults (files up to 256 MiB, workbooks
   * up to 1 GiB uncompressed and 16 million cells, cells up to 32,767 characters, 10,000
   * problems listed row by row). A file over `maxFileBytes` is refused before it is read.
   */
  limits?: Limits | null;
  /**
   * The basis of every waiting child's forecast, as `driftline analyze --breakdown`: a
   * breakdown id (`age_at_entry`, `placement`, `sex`, …) whose groups are used where a group
   * has at least 20 completed stages, else the whole cohort. The whole cohort by default.
   */
  breakdown?: string | null;
  /** Hand your ArrayBuffers to the worker instead of copying them (they become unusable). */
  transfer?: boolean;
}

/** Resource limits, each a whole number of at least 1. */
export interface Limits {
  maxFileBytes?: number;
  maxUncompressedBytes?: number;
  maxCells?: number;
  maxTextBytes?: number;
  maxCellChars?: number;
  maxListedProblems?: number;
}

/** Reads one or several spreadsheets and analyses them in a Web Worker. */
export function analyze(input: Input | Input[], options?: AnalyzeOptions): Promise<Report>;

/** Progress of a load: reading files into the tab, starting, analysing, preparing views. */
export interface Progress {
  phase: 'reading' | 'starting' | 'analysing' | 'preparing';
  /** Bytes read so far and in all (phase `reading`). */
  done?: number;
  total?: number;
}

export interface OpenOptions extends AnalyzeOptions {
  /** Aborting stops the worker: the promise rejects with an `AbortError`. */
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

/** Reads and analyses files into a session held in its own worker. */
export function open(input: Input | Input[], options?: OpenOptions): Promise<Session>;

/** How each file and sheet would be read (the mapping step). */
/** With `pseudonymise`, the children's IDs and dates of birth show as "(hidden)". */
export function preview(input: Input | Input[], options?: { mapping?: object | string | null; pseudonymise?: boolean }): Promise<unknown>;

/** Starts a worker and loads the WebAssembly core ahead of the first call. */
export function preload(): Promise<void>;

/** The session behind a report returned by `analyze` (the three most recent are kept). */
export function sessionFor(report: Report): Session | undefined;
/**
 * Every word the page shows that is not data, owned by the core: `table_kinds`, `table_labels`, `fields`,
 * `table_fields`, `placement`, `legal_status`, `milestones`, `routes`, `age_bands`,
 * `breakdowns`, `aggregations`, `run_rules`, `xmr_rules`, `units`, `profiles` (lists of
 * `[id, label]`), `variation` and `special_cause` (objects from id to words).
 */
export function vocabulary(): Promise<Record<string, unknown>>;

/**
 * What a chart shows: a child's timeline, the cohort view, or a statistical chart
 * (`delay`: median days per stage against the target; `km`: time in a stage, Kaplan–Meier;
 * `histogram`: days in a stage; `run` and `xmr`: a stage's days over time). A session's
 * charts are of the children its `filters` choose; `drawChart` draws the whole cohort.
 */
export interface ChartSpec {
  kind: 'timeline' | 'cohort' | 'delay' | 'km' | 'histogram' | 'run' | 'xmr' | 'decomposition' | 'qi';
  /** For a timeline: the child's index in `report.journeys`. */
  child?: number;
  /**
   * A stage id of the profile (`first_review`, `time_to_permanence`, …): the stage of a
   * `km`, `histogram`, `run` or `xmr` chart (`time_to_permanence` by default), the only
   * stage of a `delay` chart (all by default).
   */
  stage?: string;
  /**
   * `delay`, `km`, `histogram`, `decomposition` ("where the days go"): split by `placement`, `legal_status`, `age_at_entry`, `sex`,
   * `local_authority`, `team`, `year_of_entry`, `route` or `attribute:NAME` (`null`: no split).
   */
  breakdown?: string | null;
  /** `run`, `xmr`: one point per completed stage (`none`), or the median per month or quarter. */
  aggregate?: 'none' | 'month' | 'quarter';
  /** `run`, `xmr`: the rules for signals. */
  rules?: 'anhoej' | 'ihi' | 'mdc' | 'nhse-2024';
  /** `run`, `xmr`: which way is better (`lower` by default, for delay). */
  direction?: 'lower' | 'higher' | 'neutral';
  /** `run`, `xmr`: a target in days (the stage's own target by default). */
  target?: number;
  /** `xmr`: fix the centre and limits after this many points. */
  baseline?: number;
  /** `run`, `xmr`: start a new segment at each of these dates. */
  rebase?: IsoDate[];
  /** `xmr`: screen large moving ranges out of the limits (true by default). */
  screen?: boolean;
  /** `run`, `xmr`: dated labels for tests of change. */
  annotations?: { date: IsoDate; label: string }[];
  /** Width in CSS pixels. */
  width?: number;
  pseudonymise?: boolean;
  /** Backing-store pixels per CSS pixel (the screen's `devicePixelRatio` by default). */
  scale?: number;
  /** The name the chart is kept under for `hitTest`, `svg` and `png`. */
  slot?: string;
  /** Cohort view: `entry` (date of entry) or `wait` (longest current wait). */
  sort?: string;
  first_row?: number;
  rows?: number | null;
  row_height?: number;
  /** Session charts: only the children these filters choose (`{ placement, age_band, … }`). */
  filters?: Record<string, string>;
  /**
   * For sharing (`{ round?: boolean }`): the chart's table protected (counts of 1–4 as
   * `[c]`, with secondary suppression; statistics of fewer than 5 children withheld) and the
   * chart replaced by a note wherever it would show more than that table.
   */
  sharing?: { round?: boolean } | null;
  /**
   * Session charts, kind `qi`: a stage's waits (`measure: 'days'`) or a run chart of how many
   * completed it each month (`measure: 'completions'`) with `forecast_months` (0–24) forecast
   * months after the data, drawn apart and left out of the rules.
   */
  qi?: {
    stage: string;
    chart?: 'run' | 'xmr';
    aggregation?: 'none' | 'month' | 'quarter';
    measure?: 'days' | 'completions';
    forecast_months?: number;
    [setting: string]: unknown;
  };
}

/** The numbers behind a chart (its text alternative). */
export interface ChartTable {
  columns: string[];
  rows: string[][];
  notes: string[];
}

export interface ChartInfo {
  width: number;
  height: number;
  /** The chart's text alternative: a title and a description. */
  title: string;
  description: string;
  /** A statistical chart's numbers. */
  table?: ChartTable | null;
  [more: string]: unknown;
}

/** Draws a chart of a report returned by `analyze` on a canvas. */
export function drawChart(canvas: HTMLCanvasElement, report: Report, spec: ChartSpec): Promise<ChartInfo>;
/** Draws a chart on the embedder's canvas, painted on the page's main thread (plotters-canvas). */
export function paintChart(canvas: HTMLCanvasElement, report: Report, spec: ChartSpec): Promise<ChartInfo>;
export function drawTimeline(canvas: HTMLCanvasElement, report: Report, child: number, options?: Partial<ChartSpec>): Promise<ChartInfo>;
export function drawCohort(canvas: HTMLCanvasElement, report: Report, options?: Partial<ChartSpec>): Promise<ChartInfo>;

/** A page of a table held in the worker. */
export interface Page<T> {
  total: number;
  matched: number;
  offset: number;
  rows: T[];
}

/** A loaded analysis held in a worker; every method answers with plain data. */
export class Session {
  readonly summary: object;
  readonly closed: boolean;
  report(): Promise<Report>;
  problems(query?: object): Promise<Page<Diagnostic>>;
  problemsCsv(query?: object): Promise<string>;
  children(query?: object): Promise<Page<object>>;
  childrenCsv(query?: object): Promise<string>;
  child(index: number, pseudonymise?: boolean): Promise<object>;
  chronologyCsv(index: number, pseudonymise?: boolean): Promise<string>;
  findChild(id: string): Promise<number | undefined>;
  /** The timescale profile in force, in the JSON shape of a saved profile. */
  profile(): Promise<object>;
  /** Applies another timescale profile; resolves to the new summary. */
  setProfile(profile: string | object): Promise<object>;
  /** The stage table for the children the filters choose (`{ filters, breakdown, pseudonymise }`). */
  stages(query?: object): Promise<object>;
  /** The stage table as CSV text. */
  stagesCsv(query?: object): Promise<string>;
  /** The stage table's notes as plain text, one line each ('' without notes), as the command line's NAME.notes.txt. */
  stagesNotes(query?: object): Promise<string>;
  /** Every child's stages as CSV (`{ filters, child, pseudonymise }`), as `driftline analyze --format csv`. */
  stageRowsCsv(query?: object): Promise<string>;
  /** The numbers behind the QI chart drawn in `slot`, as CSV text. */
  qiCsv(slot: string): Promise<string>;
  /** Checks a profile without using it: `{ ok, profile }` or `{ ok: false, message }`. */
  checkProfile(profile: string | object): Promise<object>;
  /** A built-in profile (`scotland` or `england`) as a plain object. */
  builtInProfile(name: string): Promise<object>;
  /** The milestones a stage can start or end at, as `[id, label]` pairs. */
  milestones(): Promise<[string, string][]>;
  rerun(options?: AnalyzeOptions, control?: { signal?: AbortSignal; onProgress?: (p: Progress) => void }): Promise<object>;
  preview(mapping?: object | null, options?: { pseudonymise?: boolean }): Promise<unknown>;
  draw(canvas: HTMLCanvasElement, spec: ChartSpec): Promise<ChartInfo>;
  /** As `draw`, but the worker lays the chart out and the page's main thread paints it. */
  paint(canvas: HTMLCanvasElement, spec: ChartSpec): Promise<ChartInfo>;
  /** What lies under a point: `{ target, label, source, text_row, child }` (`child`: the report index of a cohort row's child), or `null`. */
  hitTest(slot: string, x: number, y: number): Promise<object | null>;
  svg(slot?: string): Promise<string>;
  png(slot?: string, scale?: number): Promise<Blob>;
  /** The numbers behind the chart in `slot` as CSV text. */
  chartCsv(slot: string): Promise<string>;
  /** The notes of the chart in `slot` as plain text, one line each ('' without notes), as the command line's NAME.notes.txt. */
  chartNotes(slot: string): Promise<string>;
  /**
   * The Forecast view (`{ filters, breakdown, pseudonymise }`): its breakdown becomes the
   * basis of every forecast; the expected completions are the children in view's.
   */
  forecast(query?: { filters?: Record<string, string>; breakdown?: string | null; pseudonymise?: boolean; expected?: boolean }): Promise<ForecastPanel>;
  /** Makes a breakdown (or `null`, the whole cohort) the basis of every forecast; resolves to the basis in force. */
  forecastBasis(breakdown?: string | null): Promise<string | undefined>;
  /** England's adoption scorecard for the children the filters choose, as CSV text ('' without one). */
  scorecardCsv(query?: { filters?: Record<string, string> }): Promise<string>;
  /** The scorecard's notes as plain text, one line each ('' without a scorecard). */
  scorecardNotes(query?: { filters?: Record<string, string> }): Promise<string>;
  /** Rows of cell texts (the header first) as CSV text, by the core's one CSV writer. */
  tableCsv(rows: string[][]): Promise<string>;
  memory(): Promise<number>;
  close(): void;
}

/**
 * `<driftline-view>`, registered when the module is imported. Attributes: `view`
 * (`summary`, `children`, `problems`), `as-at`, `profile`, `pseudonymise`. Events:
 * `driftline-load` (`detail.report`), `driftline-error` (`detail.error`),
 * `driftline-select` (`detail.index`, `detail.child`).
 */
export class DriftlineView extends HTMLElement {
  readonly report: Report | null;
  readonly session: Session | null;
  load(files: Input | Input[]): Promise<Report>;
  clear(): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'driftline-view': DriftlineView;
  }
}

/** Today's date on this computer, written YYYY-MM-DD. */
export function todayIso(): string;

/** The error `analyze` rejects with when nothing usable could be read. */
export interface DriftlineError extends Error {
  diagnostics: Diagnostic[];
}

/** An ISO date, YYYY-MM-DD. */
export type IsoDate = string;

export interface Report {
  as_at: IsoDate;
  input: InputSummary;
  children: number;
  care_periods: number;
  placements: number;
  events: number;
  moves: number;
  /**
   * Every child's journey, in the command line's JSON shape. A real array whose elements are
   * built from a compact packed form when first read (then kept: the same object on every read), so
   * that `analyze` resolves without building every journey. Indexing, `length`, iteration,
   * the array methods and `JSON.stringify` work as on any array; for `structuredClone` or
   * `postMessage`, copy it first with `Array.from(report.journeys)`.
   */
  journeys: Child[];
  /**
   * Per stage and horizon (3, 6 and 12 months): how many of the stage rows waiting "as at"
   * are expected to end, the sum of each row's chance, with a 95% interval.
   */
  expected_completions: ExpectedCompletions[];
  /** Where the days of time to permanence go (`null` without a `time_to_permanence` stage). */
  decomposition: Decomposition | null;
  /** What every forecast assumes, in plain words: show them wherever a forecast is shown. */
  forecast_caveats: string[];
  /** England's adoption scorecard (the DfE's A1, A2, A10, A3), for a profile that has one. */
  adoption_scorecard?: object;
  /** Later additions (such as `stages`) appear as further properties. */
  [more: string]: unknown;
}

/**
 * A waiting stage row's forecast (`journeys[].stages[].forecast`; `null` on other rows). With
 * `S` the stage's Kaplan–Meier survival of the basis and `t` the days waited: `expected_date`
 * is the start plus the first day `d > t` with `S(d) ≤ S(t)/2` (`null`: beyond what this data
 * has seen); `range` the same with 0.75 and 0.25; `chance_by_target` is `1 − S(T)/S(t)` while
 * the target day `T` is ahead; `chance_30_days` and `chance_90_days` likewise over 30 and 90
 * days. Fewer than 20 completions in the cohort: every figure `null`, and `note` says why.
 */
export interface Forecast {
  expected_date: IsoDate | null;
  range: [IsoDate, IsoDate] | null;
  chance_by_target: number | null;
  chance_30_days: number | null;
  chance_90_days: number | null;
  /** `cohort` or `<breakdown>:<group>`. */
  basis: string;
  /** Completed stages in the basis. */
  completions: number;
  note: string;
}

/** One stage's expected completions over one horizon. */
export interface ExpectedCompletions {
  stage: string;
  months: 3 | 6 | 12;
  expected: number;
  /** `expected ± 1.96·√Σp(1 − p)`, clipped to `[0, rows with a forecast]`. */
  interval: [number, number];
  waiting: number;
  without_forecast: number;
}

/** One stage's share of the completed journeys and its days beyond target. */
export interface StageDays {
  stage: string;
  on_path: boolean;
  median_days: number | null;
  mean_days: number | null;
  days_over_target: number | null;
  children_over_target: number | null;
}

export interface DecompositionGroup {
  journeys: number;
  stages: StageDays[];
  time_to_permanence: { median_days: number | null; mean_days: number | null };
  /** Had every path stage over its target taken exactly its target. */
  counterfactual: { median_days: number | null; mean_days: number | null };
}

export interface Decomposition extends DecompositionGroup {
  permanence_stage: string;
  /** The consecutive stages that split time to permanence. */
  path: string[];
  /** Breakdown id → group value → the same figures. */
  groups: Record<string, Record<string, DecompositionGroup>>;
}

/** What `Session.forecast` answers. */
export interface ForecastPanel {
  as_at: IsoDate;
  breakdown: string | null;
  breakdown_label: string | null;
  min_completions: number;
  horizons: [3, 6, 12];
  matched: number;
  total: number;
  expected: {
    stage: string;
    label: string;
    waiting: number;
    without_forecast: number;
    horizons: { months: number; expected: number; interval: [number, number] }[];
  }[];
  caveats: string[];
  decomposition: boolean;
  scorecard: { description: string; window_from: IsoDate; window_to: IsoDate; adopted: number; table: ChartTable } | null;
  scorecard_note: string | null;
}

export interface InputSummary {
  files: FileSummary[];
  tables: TableSummary[];
  rows_read: number;
  rows_used: number;
  rows_rejected: number;
  diagnostics: Diagnostic[];
  unknown_labels: UnknownLabel[];
}

export interface FileSummary {
  name: string;
  format: 'xlsx' | 'xls' | 'ods' | 'csv' | string;
  encoding?: string;
  delimiter?: string;
  sheets: SheetSummary[];
}

export interface SheetSummary {
  name: string | null;
  hidden: boolean;
  /** Index into `InputSummary.tables`. */
  table: number | null;
}

export interface TableSummary {
  file: string;
  sheet: string | null;
  kind: string;
  header_row: number;
  columns: ColumnMatch[];
  rows_read: number;
  rows_used: number;
  rows_rejected: number;
}

export interface ColumnMatch {
  field: string;
  header: string;
  index: number;
}

export interface UnknownLabel {
  field: 'placement_type' | 'legal_status' | 'event' | string;
  label: string;
  count: number;
  treated_as: string;
}

export type Severity = 'fatal' | 'rejected' | 'warning' | 'info';

export interface Diagnostic {
  severity: Severity;
  /** A stable snake_case code such as `invalid_date`. */
  code: string;
  file: string | null;
  sheet: string | null;
  /** The row number the user sees in their spreadsheet (header row included). */
  row: number | null;
  column: string | null;
  child_id: string | null;
  message: string;
}

export interface SourceRow {
  table: number;
  row: number;
}

export interface Child {
  child_id: string;
  date_of_birth: IsoDate | null;
  sex: string | null;
  local_authority: string | null;
  team: string | null;
  attributes?: Record<string, string>;
  care_periods: CarePeriod[];
  legal: LegalSpell[];
  events_outside_care: Event[];
  source: SourceRow | null;
  /** The statistics' rows: one per care period and started stage. */
  stages?: StageRow[];
  [more: string]: unknown;
}

/** One stage in one care period of one child (more fields appear as further properties). */
export interface StageRow {
  stage: string;
  care_period_index: number;
  start: IsoDate;
  end: IsoDate | null;
  days: number;
  target_date: IsoDate | null;
  within_target: boolean | null;
  overdue: boolean;
  /** For a row still waiting "as at" while the child is in care; `null` otherwise. */
  forecast: Forecast | null;
  [more: string]: unknown;
}

export interface CarePeriod {
  start: IsoDate;
  end: IsoDate | null;
  placements: Placement[];
  events: Event[];
  moves: number;
}

export type PlacementCategory =
  | 'home_with_parents'
  | 'kinship'
  | 'foster'
  | 'prospective_adopters'
  | 'residential'
  | 'secure'
  | 'independent'
  | 'other';

export interface Placement {
  start: IsoDate;
  end: IsoDate | null;
  category: PlacementCategory;
  placement_type: string;
  carer: string | null;
  legal_status: string | null;
  move_number: number | null;
  temporary?: boolean;
  source: SourceRow;
}

export type LegalCategory =
  | 'emergency'
  | 'voluntary'
  | 'interim'
  | 'compulsory'
  | 'adoption_authority'
  | 'permanence_order'
  | 'kinship_care_order'
  | 'adoption_order'
  | 'youth_justice'
  | 'other';

export interface LegalSpell {
  start: IsoDate;
  end: IsoDate | null;
  category: LegalCategory;
  legal_status: string;
  source: SourceRow;
}

export interface Event {
  date: IsoDate;
  /** A milestone id such as `lac_review`, or `custom`. */
  milestone: string;
  label: string;
  detail: string | null;
  source: SourceRow;
}
