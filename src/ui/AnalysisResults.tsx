import type { AnalysisOutcome } from '../worker/analysisProtocol';
import { gradeHeadline } from '../core/report/summaryText';
import { BackendSummary } from './BackendSummary';
import { TimingTable } from './TimingTable';

/** The outcome of an analysis, compactly: what the AI found, the backend, the timings (the vertebrae are in the review panel). */
export function AnalysisResults({ outcome }: { outcome: AnalysisOutcome }) {
  const { result } = outcome;
  const graded = result.vertebrae.some((v) => !v.notEvaluable);
  const worst = result.patient.worstGrade;
  return (
    <div className="analysis-results" data-testid="analysis-results">
      <p data-testid="analysis-summary">
        <b className={!graded ? 'text--warn' : worst >= 2 ? 'text--error' : worst === 1 ? 'text--warn' : undefined}>
          {gradeHeadline(result.vertebrae)}
        </b>
      </p>
      <h3 className="analysis-results__heading">Backend</h3>
      <BackendSummary backend={outcome.backend} />
      <h3 className="analysis-results__heading">Timings</h3>
      <TimingTable timings={outcome.timings} />
    </div>
  );
}
