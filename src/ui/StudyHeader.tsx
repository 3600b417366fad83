import type { Volume } from '../core/volume';
import { formatDicomDate, formatDimensions, formatPersonName, formatSex, formatSpacing, MISSING, orMissing } from './format';

interface Field {
  label: string;
  value: string;
  testId: string;
}

function fields(volume: Volume | null): Field[] {
  const m = volume?.metadata;
  const g = volume?.geometry;
  return [
    { label: 'Patient', value: m ? orMissing(formatPersonName(m.patientName)) : MISSING, testId: 'patient-name' },
    { label: 'ID', value: m ? orMissing(m.patientId) : MISSING, testId: 'patient-id' },
    { label: 'Born', value: m ? orMissing(formatDicomDate(m.patientBirthDate)) : MISSING, testId: 'patient-birth-date' },
    { label: 'Sex', value: m ? orMissing(formatSex(m.patientSex)) : MISSING, testId: 'patient-sex' },
    { label: 'Study date', value: m ? orMissing(formatDicomDate(m.studyDate)) : MISSING, testId: 'study-date' },
    { label: 'Study', value: m ? orMissing(m.studyDescription) : MISSING, testId: 'study-description' },
    { label: 'Series', value: m ? orMissing(m.seriesDescription) : MISSING, testId: 'series-description' },
    { label: 'Voxels', value: g ? formatDimensions(g.dimensions) : MISSING, testId: 'dimensions' },
    { label: 'Spacing', value: g ? formatSpacing(g.spacingMm) : MISSING, testId: 'spacing' },
  ];
}

/** Patient and study identification of the volume on screen; fixed height, never jumps. */
export function StudyHeader({ volume }: { volume: Volume | null }) {
  return (
    <dl className="study-header" aria-label="Patient and study">
      {fields(volume).map((f) => (
        <div className="study-header__field" key={f.testId}>
          <dt>{f.label}</dt>
          <dd data-testid={f.testId} title={f.value}>
            {f.value}
          </dd>
        </div>
      ))}
    </dl>
  );
}
