import { ApiError, type ReasonCode } from '../../errors.js';
import { QueryError, UnstorableNumber, UnstorableText } from '../../query/parse.js';
import { UniqueViolation } from '../../store/errors.js';
import { QueryTimeout, ScanBudgetExceeded } from './store.js';

/** What the store can refuse, as the documented answers; `filterCode` is the route's sentence for a filter. */
export async function stored<T>(work: () => Promise<T>, filterCode: ReasonCode = 'filter_invalid'): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ScanBudgetExceeded) throw new ApiError('database_limit_exceeded', { detail: error.message });
    if (error instanceof QueryTimeout) throw new ApiError('database_timeout', { detail: error.message });
    if (error instanceof UniqueViolation && error.field === 'mesh id') throw new ApiError('mesh_id_taken');
    // Applying an update can fail on the data ($inc of a string): the update's sentence.
    if (error instanceof QueryError) throw new ApiError(queryCode(error, filterCode), { detail: error.detail });
    throw error;
  }
}

function queryCode(error: QueryError, filterCode: ReasonCode): ReasonCode {
  if (error instanceof UnstorableNumber) return 'update_number_overflow';
  if (error instanceof UnstorableText) return 'update_text_invalid';
  if (error.document === 'update') return 'update_invalid';
  if (error.document === 'orderBy') return 'mesh_order_by_invalid';
  return filterCode;
}
