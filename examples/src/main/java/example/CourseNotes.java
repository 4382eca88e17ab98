package example;

import dev.fovea.data.DataSources;
import dev.fovea.data.Dataset;
import dev.fovea.data.TrainTest;
import dev.fovea.io.ModelFile;
import dev.fovea.model.Sequential;
import dev.fovea.nn.Conv2D;
import dev.fovea.nn.Dense;
import dev.fovea.nn.Flatten;
import dev.fovea.nn.MaxPool2D;
import dev.fovea.optim.Adam;
import dev.fovea.tensor.Tensor;
import dev.fovea.train.FitOptions;

import java.nio.file.Path;
import java.util.Map;

/** The course-notes CNN of the MIT 6.S191 lecture, trained on the Fashion-MNIST subset inside Fovea. */
public class CourseNotes {
    public static void main(String[] args) {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        TrainTest data = DataSources.embedded().load();   // 9,000 training and 2,000 test images, (28, 28, 1)
        Dataset train = data.train(), test = data.test();

        Sequential model = Sequential.of(
            new Conv2D(32, 3, "relu"),
            new MaxPool2D(2, 2),
            new Conv2D(64, 3, "relu"),
            new MaxPool2D(2, 2),
            new Flatten(),
            new Dense(1024, "relu"),
            new Dense(10, "softmax"));
        model.build(28, 28, 1);
        model.classNames(train.classNames());               // saved with the model; predictions are named
        model.compile(new Adam(0.001), "sparse_categorical_crossentropy", "accuracy");
        model.fit(train.images(), train.labels(),            // prints a Keras-style progress line per epoch
                FitOptions.epochs(epochs).batchSize(64).validationData(test.images(), test.labels()));
        System.out.print(model.summary());                  // Keras-style table: 1,668,490 parameters

        Map<String, Double> scores = model.evaluate(test.images(), test.labels());
        System.out.println("test accuracy " + scores.get("accuracy"));
        Tensor image = test.image(0);                       // one image, (28, 28, 1)
        Tensor probabilities = model.predict(image);        // (10), sums to 1
        System.out.println(probabilities);
        System.out.println(test.className(0) + " predicted as " + model.predictTopK(image, 3).get(0));
        ModelFile.save(Path.of("notes.fovea"), model);
    }
}
