export const GRADEBOOK_POLICIES = ['best', 'latest'] as const;
export type GradebookPolicy = (typeof GRADEBOOK_POLICIES)[number];
export const GRADEBOOK_FORMATS = ['json', 'csv'] as const;
export type GradebookFormat = (typeof GRADEBOOK_FORMATS)[number];

export type { Gradebook, GradebookCell, GradebookExercise, GradebookRow } from './dto/gradebook-views.dto';
