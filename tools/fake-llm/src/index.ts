export type { ConversationTurn } from './conversation.js';
export { echoResponder, readConversation } from './conversation.js';
export type { JudgePrompt, JudgeResponderOptions, JudgeRule } from './judge.js';
export { DEFAULT_JUDGE_RULES, judgeProse, judgeReply, judgeResponder, readJudgePrompt } from './judge.js';
export { embeddingVector } from './openai-wire.js';
export type { RecordedRequest, Responder, WireApi } from './request.js';
export type {
  FinishReason,
  Script,
  ScriptError,
  ScriptStreamError,
  ScriptToolCall,
  ScriptUsage,
} from './script.js';
export type { FakeLlmServer, FakeLlmServerOptions } from './server.js';
export { startFakeLlmServer } from './server.js';
export type { SseEvent } from './sse.js';
export { sse } from './sse.js';
