/** The editing core of the clinician review: pure functions over the result document. */
export { straighteningOf } from './straighteningOf';
export { moveKeypoint, setKeypoints } from './keypoints';
export { addVertebra } from './addVertebra';
export { templateAt, templateSizeMm, FALLBACK_DEPTH_MM, FALLBACK_HEIGHT_MM } from './template';
export { deleteVertebra } from './deleteVertebra';
export { setLevel } from './setLevel';
export { setNotEvaluable } from './notEvaluable';
export { restoreVertebra } from './restoreVertebra';
export { ALL_LEVELS, isLevelName, levelBetween, levelSequence } from './levelSequence';
export { nextVertebraId, type ReviewedResult } from './vertebraIds';
export { canRedo, canUndo, createHistory, HISTORY_LIMIT, push, redo, undo, type History } from './history';
export { editedSummary, levelsSetByPerson, type AiVertebra, type DeletedVertebra, type EditedSummary, type ReviewedVertebra, type VertebraChange } from './editedSummary';
export { reviewKey } from './reviewKey';
export type { PointsPx } from './withVertebrae';
