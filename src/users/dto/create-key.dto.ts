import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class CreateKeyDto {
  @ApiProperty({ example: 'laptop', description: 'A name to recognise the key by' })
  @IsString()
  @Length(1, 100)
  name!: string;
}
