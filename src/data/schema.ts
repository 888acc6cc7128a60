import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** A timestamptz column: read as a Date, written as a Date. */
type Instant = Date;
/** A date column: 'YYYY-MM-DD' both ways (see the type parsers in db.ts). */
type CalendarDate = string;
type CreatedAt = ColumnType<Date, Date | undefined, never>;

export interface BodiesTable {
  id: Generated<number>;
  code: string;
  name: string;
  kind: 'council' | 'care-provider' | 'health-body' | 'other';
  council_type: string | null;
  region: string | null;
  county_code: string | null;
  combined_authority: string | null;
  population: number | null;
  fictional: Generated<boolean>;
  created_at: CreatedAt;
}

export interface BankHolidaysTable {
  date: CalendarDate;
  name: string;
  source: Generated<string>;
}

export interface StaffUsersTable {
  id: Generated<number>;
  email: string;
  display_name: string;
  password_hash: string;
  roles: string[];
  team: string | null;
  active: Generated<boolean>;
  created_at: CreatedAt;
}

export interface SessionsTable {
  sid: string;
  data: unknown;
  expires_at: Instant;
}

export interface PeopleTable {
  id: Generated<number>;
  full_name: string;
  email: string | null;
  phone: string | null;
  address: string | null;
  contact_preference: Generated<'email' | 'sms' | 'post'>;
  adjustments_text: string | null;
  created_at: CreatedAt;
}

export interface ContactsTable {
  id: Generated<number>;
  external_id: string | null;
  channel: string;
  received_at: Instant;
  dealt_with_at: Instant | null;
  outcome: string | null;
  person_id: number | null;
  body_id: number | null;
  summary_text: string | null;
  recorded_by: number | null;
  created_at: CreatedAt;
}

export interface ReferenceSequencesTable {
  year: number;
  last_value: number;
}

export interface CasesTable {
  id: Generated<number>;
  reference: string;
  contact_id: number | null;
  received_at: Instant;
  registered_at: ColumnType<Date, Date | undefined, Date>;
  complainant_id: number | null;
  representative_id: number | null;
  category: string;
  subcategory: string;
  jurisdiction: string;
  stage: string;
  team: Generated<string>;
  joint: Generated<boolean>;
  owner_id: number | null;
  assessment_due_on: CalendarDate | null;
  assessment_decided_at: Instant | null;
  allocated_at: Instant | null;
  draft_shared_at: Instant | null;
  decided_at: Instant | null;
  closed_at: Instant | null;
  outcome: string | null;
  closing_reason: string | null;
  clock_stopped_at: Instant | null;
  clock_stop_reason_text: string | null;
  summary_text: string | null;
  version: Generated<number>;
  imported: Generated<boolean>;
}

export interface CaseBodiesTable {
  case_id: number;
  body_id: number;
}

export interface ClockStopsTable {
  id: Generated<number>;
  case_id: number;
  stopped_at: Instant;
  restarted_at: Instant | null;
  working_days_stopped: number | null;
  reason_text: string;
}

export interface JointWorkingTable {
  case_id: number;
  consent_to_joint_at: Instant;
  consent_to_share_at: Instant;
  started_at: Instant;
  ended_at: Instant | null;
  end_reason_text: string | null;
}

export interface EnquiriesTable {
  id: Generated<number>;
  case_id: number;
  body_id: number;
  sent_at: Instant;
  due_on: CalendarDate;
  responded_at: Instant | null;
  question_text: string;
  response_text: string | null;
  responded_by_link_officer_id: number | null;
}

export interface DocumentsTable {
  id: Generated<number>;
  case_id: number;
  file_name: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  storage_key: string;
  uploaded_by: number | null;
  uploaded_at: CreatedAt;
  deleted_at: Instant | null;
  uploaded_by_person_id: number | null;
  scan_status: Generated<'not-scanned' | 'clean' | 'quarantined'>;
  uploaded_by_link_officer_id: number | null;
}

export interface DecisionsTable {
  id: Generated<number>;
  case_id: number;
  kind: 'draft' | 'final';
  outcome: string;
  made_by: number | null;
  made_at: Instant;
  comments_due_on: CalendarDate | null;
  reasons_text: string;
}

export interface RemediesTable {
  id: Generated<number>;
  case_id: number;
  decision_id: number | null;
  kind: string;
  amount_pence: number | null;
  due_on: CalendarDate;
  status: Generated<string>;
  settled_on: CalendarDate | null;
  recorded_at: Instant | null;
  description_text: string | null;
  evidence_text: string | null;
  satisfaction: 'satisfied' | 'partly-satisfied' | 'not-satisfied' | null;
  satisfaction_recorded_at: Instant | null;
  /** Set when the remedy was still outstanding 12 months after its due date. */
  delayed_at: Instant | null;
  delayed_due_on: CalendarDate | null;
  confirmed_by_link_officer_id: number | null;
  evidence_document_id: number | null;
  import_key: string | null;
}

export interface RemedySharesTable {
  remedy_id: number;
  body_id: number;
  amount_pence: number;
}

export interface CaseEventsTable {
  id: Generated<number>;
  case_id: number;
  occurred_at: Instant;
  actor_id: number | null;
  kind: string;
  facts: ColumnType<Record<string, unknown>, string | undefined, string>;
  detail_text: string | null;
}

export interface CallsTable {
  id: Generated<number>;
  call_id: string;
  presented_at: Instant;
  answered_at: Instant | null;
}

export interface CalendarDaysTable {
  day: CalendarDate;
  working: boolean;
  working_day_number: number;
  next_working_day: CalendarDate;
  twentieth_working_day: CalendarDate;
}

export interface ServiceStandardsTable {
  id: string;
  position: number;
  description: string;
  measure: string;
  target: number;
  comparison: string;
  better_when: string | null;
  unit: string;
}

export interface SignInCodesTable {
  id: Generated<number>;
  email: string;
  code_hash: string;
  created_at: Instant;
  expires_at: Instant;
  attempts: Generated<number>;
  used_at: Instant | null;
  superseded_at: Instant | null;
}

export interface ComplaintDraftsTable {
  id: string;
  email: string | null;
  answers: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: Instant;
  updated_at: Instant;
  submitted_at: Instant | null;
  case_id: number | null;
}

export interface MessagesTable {
  id: Generated<number>;
  case_id: number;
  from_person_id: number | null;
  from_staff_id: number | null;
  sent_at: Instant;
  read_at: Instant | null;
  body_text: string;
}

export interface NotificationsTable {
  id: Generated<number>;
  case_id: number | null;
  person_id: number | null;
  channel: 'email' | 'sms';
  recipient: string;
  template: string;
  personalisation: ColumnType<Record<string, unknown>, string | undefined, string>;
  status: Generated<'queued' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  last_error: string | null;
  provider_reference: string | null;
  created_at: Instant;
  sent_at: Instant | null;
}

export interface JobsTable {
  id: Generated<number>;
  kind: string;
  payload: ColumnType<Record<string, unknown>, string | undefined, string>;
  run_at: Instant;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  locked_at: Instant | null;
  locked_by: string | null;
  last_error: string | null;
  done_at: Instant | null;
  failed_at: Instant | null;
  created_at: Instant;
}

export interface LinkOfficersTable {
  id: Generated<number>;
  body_id: number;
  email: string;
  full_name: string;
  phone: string | null;
  active: Generated<boolean>;
  created_at: CreatedAt;
}

export interface RemedyRemindersTable {
  remedy_id: number;
  kind: string;
  sent_at: Instant;
}

export interface PublishedDecisionsTable {
  id: Generated<number>;
  case_id: number;
  decision_id: number;
  summary_text: string;
  statement_text: string;
  drafted_by: number;
  drafted_at: Instant;
  approved_by: number | null;
  approved_at: Instant | null;
  published_at: Instant | null;
  withdrawn_at: Instant | null;
  /** Generated by the database from the summary and statement. */
  search: ColumnType<string, never, never>;
}

export interface ReportsTable {
  id: Generated<number>;
  kind: 'public-interest' | 'focus';
  slug: string;
  title: string;
  summary_text: string;
  body_text: string;
  body_id: number | null;
  drafted_by: number;
  drafted_at: Instant;
  approved_by: number | null;
  approved_at: Instant | null;
  published_at: Instant | null;
}

export interface ReportCasesTable {
  report_id: number;
  case_id: number;
}

export interface AnnualLettersTable {
  id: Generated<number>;
  body_id: number;
  plan_year: number;
  statement_text: string | null;
  figures: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  generated_at: Instant | null;
  storage_key: string | null;
  sha256: string | null;
  size_bytes: number | null;
  reviewed_by: number | null;
  reviewed_at: Instant | null;
  published_at: Instant | null;
}

export interface LetterBatchesTable {
  id: Generated<number>;
  plan_year: number;
  requested_by: number | null;
  requested_at: Instant;
  total: number;
  done: Generated<number>;
  failed: Generated<number>;
  finished_at: Instant | null;
}

export interface BodyBoundariesTable {
  body_id: number;
  geometry: ColumnType<Record<string, unknown>, string, string>;
  source: string;
  imported_at: Instant;
}

export interface StatisticsCacheTable {
  key: string;
  computed_at: Instant;
  payload: ColumnType<unknown, string, string>;
}

export interface Database {
  link_officers: LinkOfficersTable;
  remedy_reminders: RemedyRemindersTable;
  published_decisions: PublishedDecisionsTable;
  reports: ReportsTable;
  report_cases: ReportCasesTable;
  annual_letters: AnnualLettersTable;
  letter_batches: LetterBatchesTable;
  body_boundaries: BodyBoundariesTable;
  statistics_cache: StatisticsCacheTable;
  sign_in_codes: SignInCodesTable;
  complaint_drafts: ComplaintDraftsTable;
  messages: MessagesTable;
  notifications: NotificationsTable;
  jobs: JobsTable;
  calls: CallsTable;
  calendar_days: CalendarDaysTable;
  service_standards: ServiceStandardsTable;
  bodies: BodiesTable;
  bank_holidays: BankHolidaysTable;
  staff_users: StaffUsersTable;
  sessions: SessionsTable;
  people: PeopleTable;
  contacts: ContactsTable;
  reference_sequences: ReferenceSequencesTable;
  cases: CasesTable;
  case_bodies: CaseBodiesTable;
  clock_stops: ClockStopsTable;
  joint_working: JointWorkingTable;
  enquiries: EnquiriesTable;
  documents: DocumentsTable;
  decisions: DecisionsTable;
  remedies: RemediesTable;
  remedy_shares: RemedySharesTable;
  case_events: CaseEventsTable;
}

export type Body = Selectable<BodiesTable>;
export type StaffUser = Selectable<StaffUsersTable>;
export type CaseRow = Selectable<CasesTable>;
export type NewCase = Insertable<CasesTable>;
export type CaseEventRow = Selectable<CaseEventsTable>;
