export type { DefinePromptOptions, Prompt } from './define-prompt.js';
export { definePrompt } from './define-prompt.js';
export type {
  ChatTemplateMessage,
  PromptSlots,
  PromptTemplate,
  PromptVariables,
  RenderedPrompt,
} from './prompt-template.js';
export { PromptVariableError } from './prompt-variable-error.js';
