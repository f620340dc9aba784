package dev.lanyard.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.vertx.core.buffer.Buffer;
import java.util.stream.Collectors;

/**
 * The one JSON mapper of the admin API. Strict on input (unknown fields, wrong types, trailing data and duplicate
 * keys are refused), so that a request is either understood exactly or rejected with a clear 400.
 */
public final class Json {
    public static final ObjectMapper MAPPER = buildMapper();

    private Json() {}

    private static ObjectMapper buildMapper() {
        JsonMapper mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .serializationInclusion(JsonInclude.Include.ALWAYS)
                .build();
        // "123" is not a number and 123 is not a string: refuse rather than guess
        mapper.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Collection).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        return mapper;
    }

    /** Reads a request body into {@code type}, turning every kind of bad input into a 400 that says what is wrong. */
    public static <T> T read(Buffer body, Class<T> type) {
        if (body == null || body.length() == 0) {
            throw new ApiException(ErrorCode.MALFORMED_BODY, "The request body is empty; a JSON object is required");
        }
        try {
            T value = MAPPER.readValue(body.getBytes(), type);
            if (value == null) {
                throw new ApiException(ErrorCode.MALFORMED_BODY, "The request body must be a JSON object, not null");
            }
            return value;
        } catch (ValueInstantiationException e) {
            // a request record refused its own fields: its message says which rule was broken
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw ApiException.invalid(cause.getMessage() == null ? "Invalid request body" : cause.getMessage());
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.invalid("Unknown field '" + e.getPropertyName() + "'");
        } catch (InvalidFormatException e) {
            throw ApiException.invalid("Field '" + path(e) + "' has an invalid value");
        } catch (MismatchedInputException e) {
            String field = path(e);
            throw field.isEmpty()
                    ? new ApiException(ErrorCode.MALFORMED_BODY, "The request body must be a JSON object")
                    : ApiException.invalid("Field '" + field + "' has the wrong type");
        } catch (JsonProcessingException e) {
            // some refusals (e.g. StreamConstraintsException for too deep nesting) carry no location
            throw new ApiException(ErrorCode.MALFORMED_BODY, e.getLocation() == null
                    ? "The request body is not valid JSON"
                    : "The request body is not valid JSON (line " + e.getLocation().getLineNr()
                            + ", column " + e.getLocation().getColumnNr() + ")");
        } catch (ApiException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            // thrown by record constructors that validate their own fields
            throw ApiException.invalid(e.getMessage());
        } catch (java.io.IOException e) {
            throw new ApiException(ErrorCode.MALFORMED_BODY);
        }
    }

    private static String path(MismatchedInputException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }

    public static Buffer write(Object value) {
        try {
            return Buffer.buffer(MAPPER.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    public static JsonNode tree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is unreadable", e);
        }
    }
}
