/**
 * What a person changed, vertebra by vertebra, for the table's "AI or edited" column and the
 * report's list of edits: compared with the AI result (not read from the `edited` flags), so a
 * point dragged away and back again counts as unchanged. Ids are never reused (vertebraIds.ts),
 * so the same id is the same vertebra in both results.
 */
import type { FractureType, GenantGrade, HeightsMm } from '../quantify/genant';
import type { AnalysisResult, VertebraResult } from '../pipeline/result';

/** 'points': the points moved; 'heights': and the heights changed by more than HEIGHT_TOLERANCE_MM. */
export type VertebraChange = 'points' | 'heights' | 'level' | 'notEvaluable';

export const HEIGHT_TOLERANCE_MM = 1e-6;

/** What the AI said about a vertebra. */
export interface AiVertebra {
  level: string | null;
  heightsMm: HeightsMm;
  genantRatio: number;
  grade: GenantGrade;
  type: FractureType;
  notEvaluable: boolean;
}

export interface ReviewedVertebra {
  id: string;
  /** 'ai': as the AI gave it; 'edited': a person changed it; 'added': a person placed it. */
  status: 'ai' | 'edited' | 'added';
  /** Empty unless edited. */
  changes: VertebraChange[];
  level: string | null;
  heightsMm: HeightsMm;
  notEvaluable: boolean;
  /** Null for an added vertebra. */
  ai: AiVertebra | null;
}

export interface DeletedVertebra {
  id: string;
  ai: AiVertebra;
}

export interface EditedSummary {
  /** The current vertebrae, superior → inferior. */
  vertebrae: ReviewedVertebra[];
  /** AI vertebrae a person deleted, in the AI's order. */
  deleted: DeletedVertebra[];
  /** Whether anything differs from the AI result. */
  anyEdits: boolean;
}

function aiVertebra(v: VertebraResult): AiVertebra {
  return { level: v.level, heightsMm: { ...v.heightsMm }, genantRatio: v.genantRatio, grade: v.grade, type: v.type, notEvaluable: Boolean(v.notEvaluable) };
}

function changes(ai: VertebraResult, now: VertebraResult): VertebraChange[] {
  const found: VertebraChange[] = [];
  if (now.pointsPx.some((p, i) => p[0] !== ai.pointsPx[i][0] || p[1] !== ai.pointsPx[i][1])) found.push('points');
  const keys = ['anterior', 'middle', 'posterior'] as const;
  if (keys.some((k) => Math.abs(now.heightsMm[k] - ai.heightsMm[k]) > HEIGHT_TOLERANCE_MM)) found.push('heights');
  if (now.level !== ai.level) found.push('level');
  if (Boolean(now.notEvaluable) !== Boolean(ai.notEvaluable)) found.push('notEvaluable');
  return found;
}

export function editedSummary(ai: AnalysisResult, current: AnalysisResult): EditedSummary {
  const byId = new Map(ai.vertebrae.map((v) => [v.id, v]));
  const vertebrae = current.vertebrae.map((v): ReviewedVertebra => {
    const original = byId.get(v.id);
    const changed = original ? changes(original, v) : [];
    return {
      id: v.id,
      status: !original ? 'added' : changed.length ? 'edited' : 'ai',
      changes: changed,
      level: v.level,
      heightsMm: { ...v.heightsMm },
      notEvaluable: Boolean(v.notEvaluable),
      ai: original ? aiVertebra(original) : null,
    };
  });
  const present = new Set(current.vertebrae.map((v) => v.id));
  const deleted = ai.vertebrae.filter((v) => !present.has(v.id)).map((v) => ({ id: v.id, ai: aiVertebra(v) }));
  return { vertebrae, deleted, anyEdits: deleted.length > 0 || vertebrae.some((v) => v.status !== 'ai') };
}

/** Whether a person changed any vertebra's level (the levels' caveat then goes: summaryText.ts levelsCaveat). */
export function levelsSetByPerson(summary: EditedSummary): boolean {
  return summary.vertebrae.some((v) => v.changes.includes('level'));
}
