// The API's answers the CLI reads, from the types generated from openapi.json (`npm run api:types`):
// none is declared by hand. A declaration file, so the CLI's build (rootDir src/) can import it.
import type { components } from '../../web/src/generated/api';

type Schemas = components['schemas'];

export type ErrorBody = Schemas['ErrorBodyDto'];
export type CreatedSubmission = Schemas['CreatedSubmissionDto'];
export type SubmissionView = Schemas['SubmissionViewDto'];
export type PublishedVersion = Schemas['PublishedVersion'];
export type ExerciseVersion = Schemas['ExerciseVersionView'];
