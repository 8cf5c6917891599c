// TypeScript declarations for driftline.js, Driftline's ES module API. The report's shape
// mirrors the Rust types in src/report.rs, src/model/ and src/diagnostics.rs.

/** One input: a file, its bytes, or a named record of its bytes. */
export type Input = File | Blob | ArrayBuffer | Uint8Array | { name: string; bytes: ArrayBuffer | Uint8Array };

export interface AnalyzeOptions {
  /** The "as at" date, written YYYY-MM-DD. Today (on this computer) by default. */
  asAt?: string;
  /** A saved column and label mapping (an object, or its JSON text). It holds no data. */
  mapping?: object | string | null;
  /** A timescale profile name. Accepted, not used yet. */
  profile?: string | null;
  /** Hand your ArrayBuffers to the worker instead of copying them (they become unusable). */
  transfer?: boolean;
}

/** Reads one or several spreadsheets and analyses them in a Web Worker. */
export function analyze(input: Input | Input[], options?: AnalyzeOptions): Promise<Report>;

/** Starts the worker and loads the WebAssembly core ahead of the first `analyze`. */
export function preload(): Promise<void>;

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
  journeys: Child[];
  /** Later additions (such as `stages`) appear as further properties. */
  [more: string]: unknown;
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
