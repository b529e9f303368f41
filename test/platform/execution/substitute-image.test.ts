import { describe, expect, it } from 'vitest';
import { ImageSubstitutionError } from '../../../src/platform/execution/execution-errors.ts';
import { substituteImage } from '../../../src/platform/execution/substitute-image.ts';

describe('substituteImage', () => {
  it.each([
    ['replaces $IMAGE', 'docker run $IMAGE --steps 10', 'docker run app:v1 --steps 10'],
    ['replaces ${IMAGE}', 'run --image=${IMAGE}:latest', 'run --image=app:v1:latest'],
    ['replaces every mention', '$IMAGE && echo $IMAGE', 'app:v1 && echo app:v1'],
    ['leaves longer variable names alone', 'echo $IMAGE_TAG $IMAGES', 'echo $IMAGE_TAG $IMAGES'],
    ['leaves a command without the image alone', 'python train.py', 'python train.py'],
  ])('%s', (_rule, command, expected) => {
    expect(substituteImage(command, 'app:v1')).toBe(expected);
  });

  it('refuses a command that needs an image when none was built, rather than let the shell drop it', () => {
    expect(() => substituteImage('docker run $IMAGE', undefined)).toThrow(ImageSubstitutionError);
    expect(() => substituteImage('docker run $IMAGE', undefined)).toThrow(
      'Cannot substitute $IMAGE in the launch command "docker run $IMAGE": no image was built; set a build command that prints the image name, or remove $IMAGE from the launch command',
    );
    expect(substituteImage('python train.py', undefined)).toBe('python train.py');
  });

  it('refuses an image name the shell would interpret', () => {
    const error = (() => {
      try {
        return substituteImage('run $IMAGE', 'app; rm -rf /');
      } catch (e) {
        return e;
      }
    })();

    expect(error).toBeInstanceOf(ImageSubstitutionError);
    expect((error as ImageSubstitutionError).failure).toMatchObject({ kind: 'launch_failed', phase: 'launch' });
  });
});
