import type { VertebraResult } from '../core/pipeline/result';
import { gradeNames } from '../core/quantify/genant';

/** One row per vertebra found, superior → inferior: level, the three heights, G, grade, type. */
export function VertebraTable({ vertebrae }: { vertebrae: readonly VertebraResult[] }) {
  if (vertebrae.length === 0) return <p className="muted" data-testid="no-vertebrae">No vertebrae were found.</p>;
  return (
    <table className="data-table" data-testid="vertebra-table">
      <thead>
        <tr>
          <th scope="col">Level</th>
          <th scope="col" title="Anterior height, mm">
            h<sub>a</sub>
          </th>
          <th scope="col" title="Middle height, mm">
            h<sub>m</sub>
          </th>
          <th scope="col" title="Posterior height, mm">
            h<sub>p</sub>
          </th>
          <th scope="col" title="Genant ratio: shortest / longest height">
            G
          </th>
          <th scope="col" title="Genant grade: 0 normal, 1 mild, 2 moderate, 3 severe">
            Gr
          </th>
          <th scope="col">Type</th>
        </tr>
      </thead>
      <tbody>
        {vertebrae.map((v) => (
          <tr
            key={v.id}
            className={v.grade >= 2 ? 'data-table__row--fracture' : v.grade === 1 ? 'data-table__row--mild' : undefined}
            data-testid="vertebra-row"
            data-level={v.level ?? ''}
            data-grade={v.grade}
          >
            <td>{v.level ?? '–'}</td>
            <td className="num">{v.heightsMm.anterior.toFixed(1)}</td>
            <td className="num">{v.heightsMm.middle.toFixed(1)}</td>
            <td className="num">{v.heightsMm.posterior.toFixed(1)}</td>
            <td className="num">{v.genantRatio.toFixed(2)}</td>
            <td className="num" title={gradeNames[v.grade]}>
              {v.grade}
            </td>
            <td>{v.grade > 0 ? v.type : <span className="muted">{v.type}</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
