// The scorers module of `glassbox eval`: judges and scorers as the default export (see README.md).
// The judge uses a real model when OPENAI_API_KEY, ANTHROPIC_API_KEY or GLASSBOX_JUDGE_BASE_URL is set;
// without one, only the code scorer runs.
import { assistantScorers, judgeModelFromEnv } from './judges.js';

export default assistantScorers(judgeModelFromEnv(process.env));
