import type { FieldProblem } from '../errors/domain-errors';

/** The one shape of every error response. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  fields?: FieldProblem[];
  requestId?: string;
}
