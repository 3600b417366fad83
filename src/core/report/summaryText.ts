/**
 * The patient-level summary in plain clinical words, for the report and the viewer. It is
 * derived from the vertebrae with `patientSummary`, the one definition of worst grade and
 * fractures, so the sentence can never disagree with the table printed beside it.
 */
import { TRANSITIONAL_LEVELS } from '../pipeline/levels';
import { patientSummary, type VertebraResult } from '../pipeline/result';
import { gradeNames, type GenantGrade } from '../quantify/genant';
import { needsCheck } from '../review/aiConfidence';

type Vertebra = Pick<VertebraResult, 'id' | 'level' | 'grade' | 'type' | 'genantRatio' | 'notEvaluable' | 'objectness' | 'edited'>;

/** "T8", or "v5 (no level)" for a vertebra no level fitted. */
function vertebraName(v: Pick<Vertebra, 'id' | 'level'>): string {
  return v.level ?? `${v.id} (no level)`;
}

/** "a, b and c" */
function joinWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** "T4–L3" from the first and last labelled vertebra (superior → inferior); "" without any. */
function levelRange(vertebrae: readonly Vertebra[]): string {
  const levels = vertebrae.map((v) => v.level).filter((l): l is string => l !== null);
  if (levels.length === 0) return '';
  return levels.length === 1 ? levels[0] : `${levels[0]}–${levels[levels.length - 1]}`;
}

function gradeWords(grade: GenantGrade): string {
  return `${gradeNames[grade]} (Genant ${grade})`;
}

function fractureSentence(fractures: readonly Vertebra[], worstGrade: GenantGrade, normalCount: number): string {
  const items = fractures.map((f) => {
    const details = `${gradeNames[f.grade]}, ${f.type}`;
    return f.level ? `${f.level} (${details})` : `${f.id} (no level, ${details})`;
  });
  const head = fractures.length === 1 ? 'Vertebral compression fracture at' : 'Vertebral compression fractures at';
  const normal = normalCount > 0 ? ` The other ${plural(normalCount, 'evaluated vertebra is', 'evaluated vertebrae are')} Genant grade 0.` : '';
  return `${head} ${joinWords(items)}; worst grade: ${gradeWords(worstGrade)}.${normal}`;
}

/**
 * Where a scan names a level near a transitional vertebra (T13, L5, L6, S1), the count can be
 * off: the levels come from the mid-sagittal image, which shows no ribs, and phantoms with six
 * lumbar vertebrae were named one level too high throughout (training/README.md, "Transitional
 * vertebrae"). Once a person has set a level, the count is theirs and the caveat goes.
 */
export const levelsNearTransitionalVertebrae: ReadonlySet<string> = new Set([...TRANSITIONAL_LEVELS, 'L5', 'S1']);
export const transitionalLevelsCaveat =
  'Levels are named by the software from the spine alone. With a transitional vertebra (six lumbar-type vertebrae, a sacralised L5, 13 rib-bearing vertebrae) they can be one level off: confirm the count, counting down from C2 where the images allow, and compare with prior imaging.';

/** The caveat on the levels, shown under the summary (it is no finding), or null: no level near a transitional vertebra, or a person has set the levels. */
export function levelsCaveat(vertebrae: readonly Pick<Vertebra, 'level'>[], levelsSetByPerson = false): string | null {
  if (levelsSetByPerson) return null;
  return vertebrae.some((v) => v.level !== null && levelsNearTransitionalVertebrae.has(v.level)) ? transitionalLevelsCaveat : null;
}

/**
 * Why the table is empty, with the stretch of spine the localizer saw: a short slab (the
 * real 20-slice series ends up here) cannot hold a whole body, and a body cut by the first or
 * last slice is left out because its heights would be guesses.
 */
export function noVertebraText(limitsMm?: readonly [number, number]): string {
  const head = 'No vertebra was found, so no fracture could be assessed.';
  if (!limitsMm) return head;
  const spanMm = Math.abs(limitsMm[0] - limitsMm[1]);
  return (
    `${head} The spine runs through ${spanMm.toFixed(0)} mm of this scan (z ${limitsMm[0].toFixed(0)} to ${limitsMm[1].toFixed(0)} mm). ` +
    'A vertebra is measured only when the scan holds its whole body, from endplate to endplate; one cut by the first or last slice is left out. ' +
    'Open a series that covers more of the spine.'
  );
}

function noFractureSentence(evaluated: readonly Vertebra[]): string {
  const range = levelRange(evaluated);
  const where = range ? ` ${range}` : '';
  if (evaluated.length === 1) return `No vertebral compression fracture (the one evaluated vertebra${where} is Genant grade 0).`;
  return `No vertebral compression fracture (all ${evaluated.length} evaluated vertebrae${where} are Genant grade 0).`;
}

/**
 * E.g. "Vertebral compression fractures at T8 (moderate, biconcave) and T11 (severe, crush);
 * worst grade: severe (Genant 3)." followed by what was left out: vertebrae marked not
 * evaluable and vertebrae without a level; which vertebrae the AI is less sure of
 * (aiConfidence.ts), to be checked first.
 */
export function summaryText(result: { vertebrae: readonly Vertebra[]; limitsMm?: readonly [number, number] }): string {
  const { vertebrae } = result;
  if (vertebrae.length === 0) return noVertebraText(result.limitsMm);

  const evaluated = vertebrae.filter((v) => !v.notEvaluable);
  const notEvaluable = vertebrae.filter((v) => v.notEvaluable);
  const unlabelled = vertebrae.filter((v) => v.level === null);
  const summary = patientSummary(vertebrae as VertebraResult[]);
  const fractureIds = new Set(summary.fractures.map((f) => f.id));
  const fractures = evaluated.filter((v) => fractureIds.has(v.id));

  const sentences: string[] = [];
  if (evaluated.length === 0) sentences.push('No vertebra could be evaluated, so no fracture could be assessed.');
  else if (fractures.length > 0) sentences.push(fractureSentence(fractures, summary.worstGrade, evaluated.length - fractures.length));
  else sentences.push(noFractureSentence(evaluated));

  if (notEvaluable.length > 0) {
    const verb = notEvaluable.length === 1 ? 'was' : 'were';
    sentences.push(`${joinWords(notEvaluable.map(vertebraName))} ${verb} marked not evaluable and ${verb === 'was' ? 'is' : 'are'} not graded.`);
  }
  if (unlabelled.length > 0) {
    const ids = unlabelled.map((v) => v.id).join(', ');
    sentences.push(`${plural(unlabelled.length, 'vertebra has', 'vertebrae have')} no level (${ids}).`);
  }
  const unsure = evaluated.filter(needsCheck);
  if (unsure.length > 0) sentences.push(`The AI is less sure of ${joinWords(unsure.map(vertebraName))}: check ${unsure.length === 1 ? 'its' : 'their'} points first.`);
  return sentences.join(' ');
}

/**
 * The one-line count and worst grade shown above the details: "12 vertebrae · worst grade 2
 * (moderate)". Without an evaluated vertebra there is no worst grade to show, and "grade 0
 * (normal)" would read as a clean spine, so it says what is missing instead.
 */
export function gradeHeadline(vertebrae: readonly Vertebra[]): string {
  if (vertebrae.length === 0) return 'No vertebra found · no grade';
  const count = plural(vertebrae.length, 'vertebra', 'vertebrae');
  if (vertebrae.every((v) => v.notEvaluable)) return `${count} · none evaluable, no grade`;
  const { worstGrade } = patientSummary(vertebrae as VertebraResult[]);
  return `${count} · worst grade ${worstGrade} (${gradeNames[worstGrade]})`;
}
