import type { Db } from './cases.ts';

export async function insertClockStop(db: Db, caseId: number, at: Date, reason: string): Promise<void> {
  await db.insertInto('clock_stops').values({ case_id: caseId, stopped_at: at, reason_text: reason }).execute();
}

export async function closeClockStop(db: Db, stopId: number, at: Date, workingDaysStopped: number): Promise<void> {
  await db.updateTable('clock_stops').set({ restarted_at: at, working_days_stopped: workingDaysStopped }).where('id', '=', stopId).execute();
}

export async function startJointWorking(db: Db, caseId: number, j: { consentToJointAt: Date; consentToShareAt: Date; at: Date }): Promise<void> {
  await db
    .insertInto('joint_working')
    .values({ case_id: caseId, consent_to_joint_at: j.consentToJointAt, consent_to_share_at: j.consentToShareAt, started_at: j.at })
    .onConflict((oc) =>
      oc.column('case_id').doUpdateSet({ consent_to_joint_at: j.consentToJointAt, consent_to_share_at: j.consentToShareAt, started_at: j.at, ended_at: null, end_reason_text: null }),
    )
    .execute();
}

export async function endJointWorking(db: Db, caseId: number, at: Date, reason: string): Promise<void> {
  await db.updateTable('joint_working').set({ ended_at: at, end_reason_text: reason }).where('case_id', '=', caseId).execute();
}
