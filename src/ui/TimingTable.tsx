/** How long each step took, and the total. */
export function TimingTable({ timings }: { timings: readonly { stage: string; label: string; ms: number }[] }) {
  const total = timings.reduce((s, t) => s + t.ms, 0);
  const format = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
  return (
    <table className="data-table" data-testid="timing-table">
      <tbody>
        {timings.map((t, i) => (
          <tr key={i} data-testid="timing-row" data-stage={t.stage} data-ms={t.ms.toFixed(1)}>
            <td>{t.label}</td>
            <td className="num">{format(t.ms)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">total</th>
          <td className="num" data-testid="timing-total">
            {format(total)}
          </td>
        </tr>
      </tfoot>
    </table>
  );
}
