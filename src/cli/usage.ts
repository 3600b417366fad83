/** Usage lines, apart from the commands so that `spinelens inspect` never loads onnxruntime. */
export const inspectUsage = 'spinelens inspect <files or folders...>';
export const analyzeUsage = 'spinelens analyze <files or folders...> [--out result.json] [--csv file.csv] [--models DIR]';
