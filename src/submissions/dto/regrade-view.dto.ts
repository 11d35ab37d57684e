// What the version regrade routes answer, for the OpenAPI document (regrades.service.ts builds it).
import { ApiProperty } from '@nestjs/swagger';
import type { RegradeView } from '../regrades.service';
import { sameKeys } from '../../common/http/dto/same-keys';

export class RegradeViewDto implements RegradeView {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ example: 'python-memory/weak-cache' })
  exercise!: string;
  @ApiProperty({ example: 2 })
  version!: number;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ description: 'submissions re-queued (equal to total)' })
  queued!: number;
  @ApiProperty({ description: 'finished submissions of the version when it started' })
  total!: number;
  @ApiProperty({ description: 'whose new result is stored' })
  regraded!: number;
  @ApiProperty({ description: 'that could not be graded again; their earlier result stands' })
  failed!: number;
  @ApiProperty({ description: 'still queued or running; each keeps its earlier result until its new one is stored' })
  pending!: number;
  @ApiProperty({ description: 'nothing is pending' })
  done!: boolean;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'when the last one finished, once done' })
  finishedAt!: string | null;
}

// Optional fields too: see same-keys.ts.
sameKeys<RegradeViewDto, RegradeView>(true);
